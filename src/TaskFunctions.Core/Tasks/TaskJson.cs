using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace TaskFunctions.Core.Tasks;

/// <summary>The two JSON shapes of a task: the stored document (with <c>_internal</c>) and the API response (without).</summary>
public static class TaskJson
{
    /// <summary>API responses: snake_case, enums as strings, nulls written, <see cref="InternalFieldAttribute"/> properties omitted.</summary>
    public static JsonSerializerOptions Api { get; } = CreateOptions(includeInternal: false);

    /// <summary>The stored document: every property, <c>_internal</c> included.</summary>
    public static JsonSerializerOptions Storage { get; } = CreateOptions(includeInternal: true);

    /// <summary>The task document as stored.</summary>
    public static string SerializeDocument(TaskPublicBase task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return JsonSerializer.Serialize(task, task.GetType(), Storage);
    }

    /// <summary>Reads a stored document back as its kind's type, chosen by <c>task_type</c>.</summary>
    public static TaskPublicBase DeserializeDocument(string json)
    {
        var node = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("A task document must be a JSON object.");
        var kindText = node["task_type"]?.GetValue<string>() ?? throw new JsonException("A task document needs task_type.");
        if (!Enum.TryParse<TaskType>(kindText, ignoreCase: false, out var kind) || !Enum.IsDefined(kind))
        {
            throw new JsonException($"Unknown task_type '{kindText}'.");
        }

        return (TaskPublicBase)(node.Deserialize(TaskKinds.PublicType(kind), Storage)
            ?? throw new JsonException("Empty task document."));
    }

    /// <summary>The API response body (UTF-8) of a task.</summary>
    public static byte[] SerializePublic(TaskPublicBase task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return JsonSerializer.SerializeToUtf8Bytes(task, task.GetType(), Api);
    }

    /// <summary>The API response of a task as a node, e.g. to embed in a list.</summary>
    public static JsonNode ToPublicJson(TaskPublicBase task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return JsonSerializer.SerializeToNode(task, task.GetType(), Api)!;
    }

    /// <summary>The create request stored with the task (image values already replaced by blob paths).</summary>
    public static T ReadCreateRequest<T>(TaskPublicBase task)
        where T : CreateTaskBase
    {
        ArgumentNullException.ThrowIfNull(task);
        var request = task.Internal.CreateRequest
            ?? throw new InvalidOperationException($"Task {task.Id} has no stored create request.");
        return request.Deserialize<T>(Storage) ?? throw new JsonException("Empty create request.");
    }

    /// <summary>The stored create request as its kind's concrete type.</summary>
    public static CreateTaskBase ReadCreateRequest(TaskPublicBase task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var request = task.Internal.CreateRequest
            ?? throw new InvalidOperationException($"Task {task.Id} has no stored create request.");
        return (CreateTaskBase)(request.Deserialize(TaskKinds.CreateType(task.TaskType), Storage)
            ?? throw new JsonException("Empty create request."));
    }

    /// <summary>A request serialized with the storage options, as a mutable object.</summary>
    internal static JsonObject ToStorageObject(CreateTaskBase request) =>
        JsonSerializer.SerializeToNode(request, request.GetType(), Storage)!.AsObject();

    private static JsonSerializerOptions CreateOptions(bool includeInternal)
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(OrderBaseFieldsFirst);
        if (!includeInternal)
        {
            resolver.Modifiers.Add(RemoveInternalFields);
        }

        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            TypeInfoResolver = resolver,
            Converters = { new JsonStringEnumConverter(), new UtcDateTimeOffsetConverter() },
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Puts <c>task_type</c> and <c>id</c> first, then fields of base classes before those of the kind, for readable documents.</summary>
    private static void OrderBaseFieldsFirst(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            property.Order = property.Name switch
            {
                "task_type" => -1000,
                "id" => -999,
                _ => property.AttributeProvider is MemberInfo { DeclaringType: { } declaring } ? Depth(declaring) : 0,
            };
        }
    }

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }

    private static void RemoveInternalFields(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            var provider = typeInfo.Properties[i].AttributeProvider;
            if (provider is not null && provider.IsDefined(typeof(InternalFieldAttribute), inherit: true))
            {
                typeInfo.Properties.RemoveAt(i);
            }
        }
    }
}
