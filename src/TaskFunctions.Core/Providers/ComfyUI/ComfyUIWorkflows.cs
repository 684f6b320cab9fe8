using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Providers.ComfyUI;

/// <summary>
/// The configured named workflows (<see cref="ComfyUIOptions.Workflows"/>) and the checks every workflow graph passes:
/// ComfyUI's API format, a JSON object of nodes <c>{node_id: {class_type, inputs, _meta?:{title}}}</c>.
/// </summary>
public sealed class ComfyUIWorkflows(IOptions<ComfyUIOptions> options)
{
    /// <summary>A fresh copy of the named workflow, or null when no workflow of that name is configured.</summary>
    /// <exception cref="ProviderException">INTERNAL when the configured entry no longer loads (a file removed after start).</exception>
    public JsonObject? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!options.Value.Workflows.TryGetValue(name, out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return TryLoad(value, out var graph, out var error)
            ? graph
            : throw new ProviderException(new ProviderFailure(
                $"{ComfyUIErrors.ProviderName}: configured workflow '{name}' ({ComfyUIOptions.SectionName}:Workflows:{name}) does not load: {error}", ErrorCategory.INTERNAL, false));
    }

    /// <summary>
    /// Loads a workflow setting: JSON text when it starts with <c>{</c>, else a file path. <paramref name="error"/> says
    /// why not (neither a JSON object nor an existing file, or not an API-format graph).
    /// </summary>
    public static bool TryLoad(string? value, out JsonObject graph, out string error)
    {
        graph = [];
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            error = "empty; set a file path or the workflow's JSON.";
            return false;
        }

        if (!text.StartsWith('{'))
        {
            if (!File.Exists(text))
            {
                error = "neither a JSON object nor an existing file.";
                return false;
            }

            try
            {
                text = File.ReadAllText(text);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = "the file cannot be read (" + ex.GetType().Name + ").";
                return false;
            }
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            error = "not valid JSON (" + ex.Message + ")";
            return false;
        }

        if (Check(node) is { } problem)
        {
            error = problem;
            return false;
        }

        graph = (JsonObject)node!;
        error = string.Empty;
        return true;
    }

    /// <summary>Why <paramref name="node"/> is not an API-format workflow graph, or null when it is one.</summary>
    public static string? Check(JsonNode? node)
    {
        if (node is not JsonObject graph)
        {
            return "a workflow must be a JSON object of nodes (ComfyUI's API format).";
        }

        if (graph["nodes"] is JsonArray || graph["links"] is JsonArray)
        {
            return "this is the ComfyUI editor's format; export the workflow with 'Save (API Format)'.";
        }

        if (graph.Count == 0)
        {
            return "the workflow has no nodes.";
        }

        foreach (var (id, value) in graph)
        {
            if (value is not JsonObject nodeObject
                || nodeObject["class_type"] is not JsonValue classType || !classType.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
            {
                return $"node '{HttpFailureClassifier.Sanitize(id)}' is not an object with a class_type.";
            }

            if (nodeObject["inputs"] is { } inputs && inputs is not JsonObject)
            {
                return $"node '{HttpFailureClassifier.Sanitize(id)}' has inputs that are not an object.";
            }
        }

        return null;
    }
}
