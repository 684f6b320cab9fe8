namespace TaskFunctions.Core.Tasks;

/// <summary>
/// Longest string (in UTF-16 code units) each kind of request field accepts, applied as <c>[MaxLength]</c> on the
/// create and update models: the parser answers 422 <c>string_too_long</c> above it and the OpenAPI document
/// publishes it as <c>maxLength</c>. They keep every Table entity far inside its limits (64 KiB per property,
/// 1 KiB per key, 1 MiB per entity): identifiers become indexed columns and partition keys, everything else
/// lives in the document, which moves to a blob when large. Image inputs (base64, data URLs) carry no length
/// limit of their own: the body cap (<c>Api:MaxBodyBytes</c>) and the image cap (<c>Inputs:MaxImageBytes</c>) bound them.
/// </summary>
public static class FieldLimits
{
    /// <summary>Names and ids: origin_*, queue_name, executor_*, fal_app_id, fal_request_id, workflow_id, celery/service ids, detail_label.</summary>
    public const int Identifier = 256;

    /// <summary>URLs and storage paths: webhook_url, *_model_path, result/reference paths.</summary>
    public const int Url = 8192;

    /// <summary>Free text: prompt, negative_prompt, system_prompt, upscale/face-detail prompts.</summary>
    public const int Text = 32768;
}
