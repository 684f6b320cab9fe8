using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.OpenAI;

/// <summary>
/// Maps tasks onto OpenAI request bodies (provider OPENAI, <see cref="JobPart.Main"/> only):
/// <list type="bullet">
/// <item>LLM_INTERACTION → <c>chat/completions</c> <c>{model, messages:[{role:"system",content:system_prompt}?, {role:"user",content}]}</c>;
/// the user content is the prompt, or with <c>input_images</c> a list of a text part and one
/// <c>{"type":"image_url","image_url":{"url":data URI,"detail":"auto"}}</c> part per image.</item>
/// <item>GENERATION → <c>images/generations</c> <c>{model, prompt, n:1, size?}</c>; with a <c>reference_image</c> it becomes an
/// <c>images/edits</c> request over that image (the generations endpoint takes no image). Seeds and LoRAs have no
/// OpenAI equivalent and are not sent.</item>
/// <item>EDITING → <c>images/edits</c> <c>{model, prompt, n:1, size?, image:[base, references…]}</c>, the images as data URIs
/// under <see cref="OpenAIClient.ImagesKey"/>, which the client sends as multipart <c>image[]</c> file parts.</item>
/// </list>
/// The model is <c>provider_config.model</c>, else <c>Providers:OpenAI:Models:{TaskType}</c>; <c>provider_config.parameters</c>
/// (an object) is merged over the body (the stored images excepted). <c>size</c> is the supported size nearest to the
/// task's width/height by aspect ratio (<see cref="NearestSize"/>); without both it is not sent (the API's default, auto).
/// </summary>
public sealed class OpenAIRequestFactory(IOptions<OpenAIOptions> options, InputImages inputs) : IJobRequestFactory
{
    /// <summary>The sizes the GPT image models produce: square, landscape, portrait.</summary>
    public static readonly IReadOnlyList<string> SupportedSizes = ["1024x1024", "1536x1024", "1024x1536"];

    public ProviderType Provider => ProviderType.OPENAI;

    public bool Supports(TaskType taskType) => taskType is TaskType.LLM_INTERACTION or TaskType.GENERATION or TaskType.EDITING;

    public async Task<ProviderJobRequest> CreateAsync(TaskPublicBase task, JobPart part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(part);
        var (endpoint, body) = (task, part.Kind) switch
        {
            (LLMInteractionTaskPublic llm, JobPartKind.Main) => (OpenAIClient.ChatEndpoint, await ChatAsync(llm, cancellationToken)),
            (GenerationTaskPublic generation, JobPartKind.Main) => await GenerationAsync(generation, cancellationToken),
            (EditingTaskPublic editing, JobPartKind.Main) => (OpenAIClient.EditsEndpoint, await EditingAsync(editing, cancellationToken)),
            _ => throw new ProviderException(new ProviderFailure(
                $"OpenAI cannot run the {part.Kind} job of {task.TaskType} tasks.", ErrorCategory.INTERNAL, Retryable: false)),
        };

        var config = task.ProviderConfig as JsonObject;
        var model = ConfigString(config, "model") ?? options.Value.ModelOf(task.TaskType)
            ?? throw new ProviderException(new ProviderFailure(
                $"No OpenAI model is configured for {task.TaskType} (Providers:OpenAI:Models:{task.TaskType}).", ErrorCategory.INTERNAL, Retryable: false));
        var input = new JsonObject { ["model"] = model };
        foreach (var (name, node) in body)
        {
            input[name] = node?.DeepClone();
        }

        if (config?["parameters"] is JsonObject parameters)
        {
            foreach (var (name, node) in parameters)
            {
                if (name is not (OpenAIClient.ImagesKey or OpenAIClient.MaskKey))
                {
                    input[name] = node?.DeepClone();
                }
            }
        }

        return new ProviderJobRequest(endpoint, input);
    }

    /// <summary>
    /// The supported size nearest to <paramref name="width"/>×<paramref name="height"/> by aspect ratio (log scale, so 3:2
    /// and 2:3 are equally far from square): wider than about 1.22:1 is 1536x1024, taller than 1:1.22 is 1024x1536,
    /// anything between 1024x1024. Null (not sent, i.e. auto) when either side is missing or not positive.
    /// </summary>
    public static string? NearestSize(int? width, int? height)
    {
        if (width is not > 0 || height is not > 0)
        {
            return null;
        }

        var ratio = Math.Log((double)width.Value / height.Value);
        return SupportedSizes
            .OrderBy(size =>
            {
                var sides = size.Split('x');
                return Math.Abs(ratio - Math.Log(double.Parse(sides[0], System.Globalization.CultureInfo.InvariantCulture) / double.Parse(sides[1], System.Globalization.CultureInfo.InvariantCulture)));
            })
            .First();
    }

    private async Task<JsonObject> ChatAsync(LLMInteractionTaskPublic task, CancellationToken cancellationToken)
    {
        var messages = new JsonArray();
        if (!string.IsNullOrWhiteSpace(task.SystemPrompt))
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = task.SystemPrompt });
        }

        JsonNode content = task.Prompt;
        if (task.InputImages is { Count: > 0 } images)
        {
            var parts = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = task.Prompt });
            for (var i = 0; i < images.Count; i++)
            {
                var url = await inputs.DataUriAsync(ImageInput.ListField("input_images", i), images[i], cancellationToken);
                parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url, ["detail"] = "auto" } });
            }

            content = parts;
        }

        messages.Add(new JsonObject { ["role"] = "user", ["content"] = content });
        return new JsonObject { ["messages"] = messages };
    }

    private async Task<(string Endpoint, JsonObject Body)> GenerationAsync(GenerationTaskPublic task, CancellationToken cancellationToken)
    {
        var body = ImageBody(task.Prompt, task.Width, task.Height);
        if (task.ReferenceImagePath is null)
        {
            return (OpenAIClient.GenerationsEndpoint, body);
        }

        body[OpenAIClient.ImagesKey] = new JsonArray(await inputs.DataUriAsync("reference_image", task.ReferenceImagePath, cancellationToken));
        return (OpenAIClient.EditsEndpoint, body);
    }

    private async Task<JsonObject> EditingAsync(EditingTaskPublic task, CancellationToken cancellationToken)
    {
        var references = task.ReferenceImages ?? [];
        if (references.Count + 1 > OpenAIClient.MaxEditImages)
        {
            throw new ProviderException(new ProviderFailure(
                $"reference_images: OpenAI edits take at most {OpenAIClient.MaxEditImages} images, the base image included.", ErrorCategory.VALIDATION, Retryable: false));
        }

        var body = ImageBody(task.Prompt, task.Width, task.Height);
        var images = new JsonArray(await inputs.DataUriAsync("base_image", task.BaseImagePath, cancellationToken));
        for (var i = 0; i < references.Count; i++)
        {
            images.Add(await inputs.DataUriAsync(ImageInput.ListField("reference_images", i), references[i], cancellationToken));
        }

        body[OpenAIClient.ImagesKey] = images;
        return body;
    }

    private static JsonObject ImageBody(string? prompt, int? width, int? height)
    {
        var body = new JsonObject { ["prompt"] = prompt ?? string.Empty, ["n"] = 1 };
        if (NearestSize(width, height) is { } size)
        {
            body["size"] = size;
        }

        return body;
    }

    private static string? ConfigString(JsonObject? config, string name) =>
        config?[name] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
}
