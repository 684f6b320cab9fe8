using System.Globalization;
using System.Text.Json.Nodes;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.ComfyUI;

/// <summary>An input image to upload before the prompt: where its file name goes and its bytes as a data URI.</summary>
/// <param name="Node">The node id whose input receives the uploaded file's name.</param>
/// <param name="Input">The input name (<c>image</c> on LoadImage).</param>
/// <param name="FileName">The file name asked for on upload (unique per task, part and slot; uploaded with overwrite).</param>
/// <param name="DataUri">The image, <c>data:image/...;base64,...</c>.</param>
public sealed record ComfyUIUpload(string Node, string Input, string FileName, string DataUri)
{
    public JsonObject ToJson() => new() { ["node"] = Node, ["input"] = Input, ["name"] = FileName, ["data"] = DataUri };
}

/// <summary>
/// An image a task hands to its workflow: the placeholder slot it fills, the field that names it in errors, its data URI,
/// and whether a workflow without a node for it is refused (otherwise the image is left out).
/// </summary>
public sealed record ComfyUIImage(string Slot, string Field, string DataUri, bool Required = true);

/// <summary>The task values one job injects into its workflow; each null leaves the workflow's own value.</summary>
public sealed record ComfyUIValues
{
    public string? Prompt { get; init; }

    /// <summary>Whether a workflow without a place for <see cref="Prompt"/> is refused (kinds whose prompt is the request).</summary>
    public bool PromptRequired { get; init; }

    public string? NegativePrompt { get; init; }

    public long? Seed { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    public double? UpscaleFactor { get; init; }

    public int? Steps { get; init; }

    public double? Denoise { get; init; }

    /// <summary>Images, each required to land on a node (<see cref="ComfyUIInjection.Image"/> before <see cref="ComfyUIInjection.ReferenceImage"/>).</summary>
    public IReadOnlyList<ComfyUIImage> Images { get; init; } = [];
}

/// <summary>
/// How task values reach a workflow graph. A node is a placeholder when its <c>_meta.title</c> (case-insensitive) is one
/// of the names below; the value goes to the listed inputs the node has (every one of them that exists), or to the
/// first listed input when it has none of them. When no node carries a title, the class-type fallback applies.
/// <list type="table">
/// <listheader><term>title</term><description>inputs set · value · class-type fallback</description></listheader>
/// <item><term><c>input_prompt</c></term><description><c>text</c>, <c>prompt</c>, <c>text_g</c>, <c>text_l</c>, <c>clip_l</c>, <c>t5xxl</c>, <c>string</c>, <c>value</c> · the prompt · the CLIPTextEncode linked to a KSampler/KSamplerAdvanced <c>positive</c></description></item>
/// <item><term><c>input_negative_prompt</c></term><description>same inputs · <c>provider_config.negative_prompt</c> · the CLIPTextEncode linked to <c>negative</c></description></item>
/// <item><term><c>input_seed</c></term><description><c>seed</c>, <c>noise_seed</c>, <c>value</c> · the seed · KSampler <c>seed</c>, KSamplerAdvanced/RandomNoise <c>noise_seed</c></description></item>
/// <item><term><c>input_width</c> / <c>input_height</c></term><description><c>width</c>/<c>height</c>, <c>value</c> · the size · EmptyLatentImage / EmptySD3LatentImage</description></item>
/// <item><term><c>input_image</c></term><description><c>image</c> · the uploaded main image's file name · the first untitled LoadImage (by node id)</description></item>
/// <item><term><c>input_reference_image</c></term><description><c>image</c> · the uploaded reference image · the next untitled LoadImage</description></item>
/// <item><term><c>input_upscale_factor</c></term><description><c>scale_by</c>, <c>upscale_factor</c>, <c>scale</c>, <c>value</c> · REFINE's factor · none</description></item>
/// <item><term><c>input_steps</c> / <c>input_denoise</c></term><description><c>steps</c> / <c>denoise</c>, <c>value</c> · REFINE's steps and denoise · none</description></item>
/// </list>
/// A required task image (all but EDITING's reference) that finds no node, and a required prompt (GENERATION, EDITING) that finds none, are VALIDATION errors; other values without
/// a node are left out.
/// </summary>
public static class ComfyUIInjection
{
    public const string Prompt = "input_prompt";
    public const string NegativePrompt = "input_negative_prompt";
    public const string Seed = "input_seed";
    public const string Width = "input_width";
    public const string Height = "input_height";
    public const string Image = "input_image";
    public const string ReferenceImage = "input_reference_image";
    public const string UpscaleFactor = "input_upscale_factor";
    public const string Steps = "input_steps";
    public const string Denoise = "input_denoise";

    private static readonly string[] TextInputs = ["text", "prompt", "text_g", "text_l", "clip_l", "t5xxl", "string", "value"];
    private static readonly string[] SamplerClasses = ["KSampler", "KSamplerAdvanced"];

    /// <summary>
    /// Sets <paramref name="values"/> into <paramref name="graph"/> (changed in place) and returns the uploads its images
    /// need; each upload's file name is already set in the graph (the client replaces it with the name the server returns).
    /// </summary>
    /// <param name="uploadStem">The start of uploaded file names, unique per task and part (e.g. <c>tf-{task}-result</c>).</param>
    public static IReadOnlyList<ComfyUIUpload> Inject(JsonObject graph, ComfyUIValues values, string uploadStem, string workflowLabel)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(values);
        var nodes = graph.Where(p => p.Value is JsonObject).OrderBy(p => p.Key, NodeIdComparer.Instance).ToList();

        if (values.Prompt is not null)
        {
            var set = SetTitled(nodes, Prompt, TextInputs, values.Prompt) || SetLinkedText(graph, "positive", values.Prompt);
            if (!set && values.PromptRequired)
            {
                throw Invalid($"workflow {workflowLabel} has no place for the prompt: title a node '{Prompt}' or link a CLIPTextEncode to a KSampler's positive input.");
            }
        }

        if (values.NegativePrompt is not null && !SetTitled(nodes, NegativePrompt, TextInputs, values.NegativePrompt))
        {
            SetLinkedText(graph, "negative", values.NegativePrompt);
        }

        if (values.Seed is { } seed && !SetTitled(nodes, Seed, ["seed", "noise_seed", "value"], seed))
        {
            SetByClass(nodes, ["KSampler"], "seed", seed);
            SetByClass(nodes, ["KSamplerAdvanced", "RandomNoise"], "noise_seed", seed);
        }

        if (values.Width is { } width && !SetTitled(nodes, Width, ["width", "value"], width))
        {
            SetByClass(nodes, ["EmptyLatentImage", "EmptySD3LatentImage"], "width", width);
        }

        if (values.Height is { } height && !SetTitled(nodes, Height, ["height", "value"], height))
        {
            SetByClass(nodes, ["EmptyLatentImage", "EmptySD3LatentImage"], "height", height);
        }

        if (values.UpscaleFactor is { } factor)
        {
            SetTitled(nodes, UpscaleFactor, ["scale_by", "upscale_factor", "scale", "value"], factor);
        }

        if (values.Steps is { } steps)
        {
            SetTitled(nodes, Steps, ["steps", "value"], steps);
        }

        if (values.Denoise is { } denoise)
        {
            SetTitled(nodes, Denoise, ["denoise", "value"], denoise);
        }

        return InjectImages(nodes, values.Images, uploadStem, workflowLabel);
    }

    /// <summary>A node's <c>_meta.title</c>, or null.</summary>
    public static string? TitleOf(JsonNode? node) =>
        node is JsonObject obj && obj["_meta"] is JsonObject meta && meta["title"] is JsonValue title && title.TryGetValue<string>(out var text) ? text.Trim() : null;

    /// <summary>A node's <c>class_type</c>, or null.</summary>
    public static string? ClassOf(JsonNode? node) =>
        node is JsonObject obj && obj["class_type"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static List<ComfyUIUpload> InjectImages(List<KeyValuePair<string, JsonNode?>> nodes, IReadOnlyList<ComfyUIImage> images, string uploadStem, string workflowLabel)
    {
        var uploads = new List<ComfyUIUpload>();
        var untitled = new Queue<string>(nodes
            .Where(p => ClassOf(p.Value) == "LoadImage" && !(TitleOf(p.Value)?.StartsWith("input_", StringComparison.OrdinalIgnoreCase) ?? false))
            .Select(p => p.Key));
        foreach (var image in images.OrderBy(i => i.Slot == Image ? 0 : 1))
        {
            var fileName = string.Create(CultureInfo.InvariantCulture, $"{uploadStem}-{image.Slot["input_".Length..].Replace('_', '-')}.{Extension(image.DataUri)}");
            var titled = nodes.Where(p => IsTitled(p.Value, image.Slot)).Select(p => p.Key).ToList();
            if (titled.Count == 0 && untitled.Count > 0)
            {
                titled.Add(untitled.Dequeue());
            }

            if (titled.Count == 0 && !image.Required)
            {
                continue;
            }

            if (titled.Count == 0)
            {
                throw Invalid($"workflow {workflowLabel} has no node for {image.Field}: title a LoadImage node '{image.Slot}'.");
            }

            foreach (var id in titled)
            {
                var node = (JsonObject)nodes.First(p => p.Key == id).Value!;
                Inputs(node)["image"] = fileName;
                uploads.Add(new ComfyUIUpload(id, "image", fileName, image.DataUri));
            }
        }

        return uploads;
    }

    private static bool SetTitled(List<KeyValuePair<string, JsonNode?>> nodes, string title, string[] candidates, JsonNode value)
    {
        var found = false;
        foreach (var (_, node) in nodes)
        {
            if (!IsTitled(node, title))
            {
                continue;
            }

            found = true;
            var inputs = Inputs((JsonObject)node!);
            var existing = candidates.Where(inputs.ContainsKey).ToList();
            foreach (var name in existing.Count > 0 ? existing : [candidates[0]])
            {
                inputs[name] = value.DeepClone();
            }
        }

        return found;
    }

    private static bool SetTitled(List<KeyValuePair<string, JsonNode?>> nodes, string title, string[] candidates, string value) =>
        SetTitled(nodes, title, candidates, JsonValue.Create(value));

    private static bool SetTitled(List<KeyValuePair<string, JsonNode?>> nodes, string title, string[] candidates, long value) =>
        SetTitled(nodes, title, candidates, JsonValue.Create(value));

    private static bool SetTitled(List<KeyValuePair<string, JsonNode?>> nodes, string title, string[] candidates, double value) =>
        SetTitled(nodes, title, candidates, JsonValue.Create(value));

    /// <summary>The CLIPTextEncode nodes a sampler's <paramref name="input"/> links to get <c>text</c>.</summary>
    private static bool SetLinkedText(JsonObject graph, string input, string text)
    {
        var found = false;
        foreach (var (_, node) in graph)
        {
            if (!SamplerClasses.Contains(ClassOf(node)) || node!["inputs"] is not JsonObject inputs
                || inputs[input] is not JsonArray { Count: 2 } link || link[0]?.ToString() is not { } target
                || graph[target] is not JsonObject encoder || ClassOf(encoder) != "CLIPTextEncode")
            {
                continue;
            }

            Inputs(encoder)["text"] = text;
            found = true;
        }

        return found;
    }

    private static void SetByClass(List<KeyValuePair<string, JsonNode?>> nodes, string[] classes, string input, JsonNode value)
    {
        foreach (var (_, node) in nodes)
        {
            if (classes.Contains(ClassOf(node)))
            {
                Inputs((JsonObject)node!)[input] = value.DeepClone();
            }
        }
    }

    private static void SetByClass(List<KeyValuePair<string, JsonNode?>> nodes, string[] classes, string input, long value) =>
        SetByClass(nodes, classes, input, JsonValue.Create(value));

    private static bool IsTitled(JsonNode? node, string title) => string.Equals(TitleOf(node), title, StringComparison.OrdinalIgnoreCase);

    private static JsonObject Inputs(JsonObject node)
    {
        if (node["inputs"] is JsonObject inputs)
        {
            return inputs;
        }

        inputs = [];
        node["inputs"] = inputs;
        return inputs;
    }

    private static string Extension(string dataUri) =>
        dataUri.StartsWith("data:image/jpeg", StringComparison.OrdinalIgnoreCase) ? "jpg"
        : dataUri.StartsWith("data:image/webp", StringComparison.OrdinalIgnoreCase) ? "webp"
        : "png";

    private static ProviderException Invalid(string message) =>
        new(new ProviderFailure($"{ComfyUIErrors.ProviderName}: {message}", ErrorCategory.VALIDATION, false));

    /// <summary>Node ids in numeric order where they are numbers ("2" before "10"), then ordinally.</summary>
    private sealed class NodeIdComparer : IComparer<string>
    {
        public static NodeIdComparer Instance { get; } = new();

        public int Compare(string? x, string? y)
        {
            var xNumber = long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var a);
            var yNumber = long.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var b);
            return (xNumber, yNumber) switch
            {
                (true, true) => a.CompareTo(b),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(x, y),
            };
        }
    }
}
