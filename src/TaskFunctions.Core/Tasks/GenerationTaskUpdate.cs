using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body of <c>/tasks/generation/{id}</c>: the extended update set plus generation fields.</summary>
public sealed class GenerationTaskUpdate : ExtendedTaskUpdateBase
{
    public string? FalAppId { get; set; }

    public string? FalRequestId { get; set; }

    public string? SubjectModelPath { get; set; }

    public string? ProductModelPath { get; set; }

    public string? StyleModelPath { get; set; }

    public string? Product2ModelPath { get; set; }

    public double? SubjectLoraWeight { get; set; }

    public double? ProductLoraWeight { get; set; }

    public double? StyleLoraWeight { get; set; }

    public double? Product2LoraWeight { get; set; }

    public string? ReferenceImagePath { get; set; }

    [Range(0d, 100d)]
    public double? ReferenceImageStrength { get; set; }

    public string? ResultImagePath { get; set; }
}
