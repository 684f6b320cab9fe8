using System.ComponentModel.DataAnnotations;

namespace TaskFunctions.Core.Tasks;

/// <summary>PUT body of <c>/tasks/generation/{id}</c>: the extended update set plus generation fields.</summary>
public sealed class GenerationTaskUpdate : ExtendedTaskUpdateBase
{
    [MaxLength(FieldLimits.Identifier)]
    public string? FalAppId { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? FalRequestId { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? SubjectModelPath { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? ProductModelPath { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? StyleModelPath { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? Product2ModelPath { get; set; }

    public double? SubjectLoraWeight { get; set; }

    public double? ProductLoraWeight { get; set; }

    public double? StyleLoraWeight { get; set; }

    public double? Product2LoraWeight { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? ReferenceImagePath { get; set; }

    [Range(0d, 100d)]
    public double? ReferenceImageStrength { get; set; }

    [MaxLength(FieldLimits.Url)]
    public string? ResultImagePath { get; set; }
}
