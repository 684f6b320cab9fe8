using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Providers;

/// <summary>What to submit: the provider endpoint (a fal app id, a model version, ...) and the model input as-is.</summary>
/// <param name="StartTimeout">How long the job may wait in the provider's queue before it must start (fal's x-fal-request-timeout).</param>
/// <param name="SubmitKey">
/// Names this one submit of the workflow (task id and attempt key): the same for every re-run of the submit, different for
/// every other attempt. Providers that let the caller name the job use it (ComfyUI's prompt_id), so a re-run can ask for it.
/// </param>
public sealed record ProviderJobRequest(string Endpoint, JsonObject Input, TimeSpan? StartTimeout = null, string? SubmitKey = null);
