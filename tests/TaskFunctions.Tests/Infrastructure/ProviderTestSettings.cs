using System.Globalization;
using TaskFunctions.Tests.Infrastructure.FakeComfyUI;
using TaskFunctions.Tests.Infrastructure.FakeFal;
using TaskFunctions.Tests.Infrastructure.FakeOpenAI;
using TaskFunctions.Tests.Infrastructure.FakeReplicate;

namespace TaskFunctions.Tests.Infrastructure;

/// <summary>
/// Self-host settings pointing fal at the fake server and webhooks at the test receiver, with retry, polling and
/// webhook schedules shortened from minutes to fractions of a second (the production defaults are in the sample settings).
/// </summary>
public static class ProviderTestSettings
{
    /// <summary>
    /// The default fal apps of every kind: fixed names, yet private to a fixture since each fixture runs its own fake
    /// fal server. Tests that script one of them replace its script (<see cref="FakeFalServer.NewScript"/>); app ids of
    /// the form "test-{guid}/app" never collide with these.
    /// </summary>
    public const string GenerationAppId = "test-default/generation";

    public const string EditingAppId = "test-default/editing";

    public const string RefineAppId = "test-default/refine";

    public const string VideoAppId = "test-default/video";

    public const string ImageToVideoAppId = "test-default/i2v";

    public const string LlmAppId = "test-default/llm";

    public const string VisionLlmAppId = "test-default/vision-llm";

    public const string BackgroundRemovalAppId = "test-default/bg-removal";

    public const string DetailEnhancerAppId = "test-default/detail";

    public const string FaceEnhancerAppId = "test-default/face";

    public const string FaceDetailAppId = "test-default/face-detail";

    /// <summary>The default Replicate model of a kind ("test-default/replicate-{kind}"), private to a fixture like the fal apps.</summary>
    public static string ReplicateModel(string kind) => "test-default/replicate-" + kind.ToLowerInvariant().Replace('_', '-');

    /// <summary>The default OpenAI model of a kind.</summary>
    public static string OpenAIModel(string kind) => "test-openai-" + kind.ToLowerInvariant().Replace('_', '-');

    /// <summary>FACE_ENHANCER attempts per task (FaceQuality:MinSsim keeps its default 0.85).</summary>
    public const int FaceMaxAttempts = 3;

    public static Dictionary<string, string> For(FakeFalServer fal, WebhookSink webhooks, ImageServer? images = null)
    {
        ArgumentNullException.ThrowIfNull(fal);
        ArgumentNullException.ThrowIfNull(webhooks);
        var settings = new Dictionary<string, string>
        {
            ["Outbound__AllowedHosts__0"] = images?.HostPort ?? fal.HostPort,
            ["Outbound__AllowedHosts__1"] = fal.HostPort,
            ["Outbound__AllowedHosts__2"] = webhooks.HostPort,
            ["Providers__Fal__BaseUrl"] = fal.BaseUrl.ToString(),
            ["Providers__Fal__ApiKey"] = fal.ApiKey,
            ["Providers__Fal__GenerationAppId"] = GenerationAppId,
            ["Providers__Fal__EditingAppId"] = EditingAppId,
            ["Providers__Fal__RefineAppId"] = RefineAppId,
            ["Providers__Fal__VideoAppId"] = VideoAppId,
            ["Providers__Fal__ImageToVideoAppId"] = ImageToVideoAppId,
            ["Providers__Fal__LlmAppId"] = LlmAppId,
            ["Providers__Fal__VisionLlmAppId"] = VisionLlmAppId,
            ["Providers__Fal__BackgroundRemovalAppId"] = BackgroundRemovalAppId,
            ["Providers__Fal__DetailEnhancerAppId"] = DetailEnhancerAppId,
            ["Providers__Fal__FaceEnhancerAppId"] = FaceEnhancerAppId,
            ["Providers__Fal__FaceDetailAppId"] = FaceDetailAppId,
            ["FaceQuality__MaxAttempts"] = FaceMaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Providers__Fal__RequestTimeout"] = "00:00:02",
            ["Providers__Fal__Retry__MaxAttempts"] = "3",
            ["Providers__Fal__Retry__FirstRetryInterval"] = "00:00:00.200",
            ["Providers__Fal__Retry__MaxRetryInterval"] = "00:00:01",
            ["Providers__Fal__Polling__FirstInterval"] = "00:00:00.200",
            ["Providers__Fal__Polling__MaxInterval"] = "00:00:00.500",
            ["Providers__Fal__Polling__Deadline"] = "00:00:08",
            ["Providers__Fal__Polling__MaxPollFailures"] = "3",
            ["Webhooks__SigningSecret"] = webhooks.Secret,
            ["Webhooks__Timeout"] = "00:00:03",
            ["Webhooks__MaxAttempts"] = "4",
            ["Webhooks__RetrySchedule__0"] = "00:00:00.500",
            ["Webhooks__RetrySchedule__1"] = "00:00:01",
            ["Webhooks__RetrySchedule__2"] = "00:00:01",
        };
        return settings;
    }

    /// <summary>
    /// Adds Replicate, OpenAI and ComfyUI pointed at their fakes, with the same shortened schedules as fal; Replicate's
    /// file host (the fake) may be fetched over plain http.
    /// </summary>
    public static Dictionary<string, string> WithProviders(Dictionary<string, string> settings, FakeReplicateServer replicate, FakeOpenAIServer openAI, FakeComfyUIServer comfy)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(replicate);
        ArgumentNullException.ThrowIfNull(openAI);
        ArgumentNullException.ThrowIfNull(comfy);
        settings["Outbound__AllowedHosts__3"] = replicate.HostPort;
        settings["Providers__Replicate__BaseUrl"] = replicate.BaseUrl.ToString();
        settings["Providers__Replicate__ApiToken"] = replicate.ApiToken;
        settings["Providers__OpenAI__BaseUrl"] = openAI.BaseUrl.ToString();
        settings["Providers__OpenAI__ApiKey"] = openAI.ApiKey;
        settings["Providers__ComfyUI__BaseUrl"] = comfy.BaseUrl.ToString();
        if (comfy.BearerToken is { } token)
        {
            settings["Providers__ComfyUI__ApiKey"] = token;
        }

        settings["Providers__ComfyUI__Workflows__GENERATION"] = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "TaskFunctions.Tests", "Infrastructure", "FakeComfyUI", "txt2img.json"));
        foreach (var kind in new[] { "GENERATION", "EDITING", "REFINE", "VIDEO_GENERATION", "LLM_INTERACTION", "BACKGROUND_REMOVAL", "DETAIL_ENHANCER", "FACE_ENHANCER" })
        {
            settings[$"Providers__Replicate__Models__{kind}"] = ReplicateModel(kind);
        }

        foreach (var kind in new[] { "GENERATION", "EDITING", "LLM_INTERACTION" })
        {
            settings[$"Providers__OpenAI__Models__{kind}"] = OpenAIModel(kind);
        }

        foreach (var provider in new[] { "Replicate", "OpenAI", "ComfyUI" })
        {
            settings[$"Providers__{provider}__RequestTimeout"] = "00:00:05";
            settings[$"Providers__{provider}__Retry__MaxAttempts"] = "3";
            settings[$"Providers__{provider}__Retry__FirstRetryInterval"] = "00:00:00.200";
            settings[$"Providers__{provider}__Retry__MaxRetryInterval"] = "00:00:01";
            settings[$"Providers__{provider}__Polling__FirstInterval"] = "00:00:00.200";
            settings[$"Providers__{provider}__Polling__MaxInterval"] = "00:00:00.500";
            settings[$"Providers__{provider}__Polling__Deadline"] = "00:00:15";
            settings[$"Providers__{provider}__Polling__MaxPollFailures"] = 3.ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }
}
