using System.Text.Json.Nodes;

namespace TaskFunctions.Core.Providers;

/// <summary>What to submit: the provider endpoint (a fal app id, a model version, ...) and the model input as-is.</summary>
/// <param name="StartTimeout">How long the job may wait in the provider's queue before it must start (fal's x-fal-request-timeout).</param>
public sealed record ProviderJobRequest(string Endpoint, JsonObject Input, TimeSpan? StartTimeout = null);
