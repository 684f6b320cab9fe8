using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Api;

/// <summary>HTTP API limits (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Largest accepted request body in bytes; larger bodies get a 422 without being read further.</summary>
    [Range(1024, 512L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest page a list call returns; a larger <c>limit</c> is capped to this.</summary>
    [Range(1, 10_000)]
    public int MaxListLimit { get; set; } = 1000;
}
