using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TaskFunctions.Core.Validation;

namespace TaskFunctions.Core.Tasks;

/// <summary>Fields every <c>Create*Task</c> request shares, and the conversion to the PENDING task document.</summary>
/// <remarks>
/// Field-level constraints are attributes read by <see cref="TaskRequestParser"/>; rules spanning several
/// fields live in <see cref="ValidateRules"/>, which runs only once every field is well-typed (as pydantic's
/// after-validators do).
/// </remarks>
public abstract class CreateTaskBase
{
    /// <summary>The wire discriminator.</summary>
    public abstract TaskType TaskType { get; }

    /// <summary>Seed rule: optional integer, default 0.</summary>
    public int Priority { get; set; }

    public JsonObject? Config { get; set; }

    /// <summary>Seed rule: required string on every create.</summary>
    [Required]
    [MaxLength(FieldLimits.Identifier)]
    public string OriginInstance { get; set; } = "";

    [MaxLength(FieldLimits.Identifier)]
    public string? OriginZone { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? OriginTenantId { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? OriginReference { get; set; }

    public ProviderType? ProviderType { get; set; }

    public JsonNode? ProviderConfig { get; set; }

    public List<string>? ActiveProviderCapabilities { get; set; }

    public ProviderType? FallbackProviderType { get; set; }

    public JsonNode? FallbackProviderConfig { get; set; }

    public List<string>? FallbackProviderCapabilities { get; set; }

    [MaxLength(FieldLimits.Identifier)]
    public string? QueueName { get; set; }

    /// <summary>Seed rule: an absolute http(s) URL when given.</summary>
    [HttpUrl]
    [MaxLength(FieldLimits.Url)]
    public string? WebhookUrl { get; set; }

    /// <summary>The request's images after deprecated-field mapping, keyed by <see cref="ImageInput.Field"/>.</summary>
    public abstract IReadOnlyList<ImageInput> GetImageInputs();

    /// <summary>Cross-field rules; each problem is one pydantic-style <c>value_error</c>.</summary>
    public virtual IEnumerable<ValidationErrorItem> ValidateRules()
    {
        // A fallback identical to the primary would just repeat the failing provider; the same provider with another
        // configuration (another app, model or account) is a real fallback.
        if (FallbackProviderType is { } fallback && fallback == ProviderType && JsonNode.DeepEquals(FallbackProviderConfig, ProviderConfig))
        {
            yield return ValueError("a fallback on the same provider_type needs a different fallback_provider_config");
        }

        if (ProviderType is { } primary && !TaskProviders.Runs(TaskType, primary))
        {
            yield return ValueError(TaskProviders.Unsupported(TaskType, primary), "provider_type");
        }

        if (FallbackProviderType is { } second && !TaskProviders.Runs(TaskType, second))
        {
            yield return ValueError(TaskProviders.Unsupported(TaskType, second), "fallback_provider_type");
        }
    }

    /// <summary>Builds the PENDING task document for this request.</summary>
    /// <param name="id">The new task id (uuid text).</param>
    /// <param name="tenant">Owning tenant, "" for admin-created tasks without one.</param>
    /// <param name="now">Creation time (UTC).</param>
    /// <param name="storedInputPaths">Blob path per <see cref="ImageInput.Field"/> the caller stored.</param>
    public TaskPublicBase ToPublic(string id, string tenant, DateTimeOffset now, IReadOnlyDictionary<string, string> storedInputPaths)
    {
        ArgumentNullException.ThrowIfNull(storedInputPaths);
        var task = CreatePublic(storedInputPaths);
        task.Id = id;
        task.Status = TaskState.PENDING;
        task.CreatedAt = now;
        task.UpdatedAt = now;
        task.RetryCount = 0;
        task.Progress = 0;
        task.Priority = Priority;
        task.Config = (JsonObject?)Config?.DeepClone();
        task.OriginInstance = OriginInstance;
        task.OriginZone = OriginZone;
        task.OriginTenantId = OriginTenantId;
        task.OriginReference = OriginReference;
        task.ProviderType = ProviderType;
        task.ProviderConfig = ProviderConfig?.DeepClone();
        task.ActiveProviderCapabilities = ActiveProviderCapabilities is null ? null : [.. ActiveProviderCapabilities];
        task.FallbackProviderType = FallbackProviderType;
        task.FallbackProviderConfig = FallbackProviderConfig?.DeepClone();
        task.FallbackProviderCapabilities = FallbackProviderCapabilities is null ? null : [.. FallbackProviderCapabilities];

        var request = TaskJson.ToStorageObject(this);
        WriteStoredPaths(request, storedInputPaths);
        task.Internal = new TaskInternalState
        {
            Tenant = tenant,
            WebhookUrl = WebhookUrl,
            QueueName = QueueName,
            CreateRequest = request,
            InputPaths = new Dictionary<string, string>(storedInputPaths),
        };
        return task;
    }

    /// <summary>Creates the kind's public document with its kind-specific fields filled.</summary>
    protected abstract TaskPublicBase CreatePublic(IReadOnlyDictionary<string, string> storedInputPaths);

    /// <summary>
    /// Replaces image values in the serialized request by their stored paths, so the stored request never
    /// carries base64 payloads and executors read blob names back.
    /// </summary>
    protected virtual void WriteStoredPaths(JsonObject request, IReadOnlyDictionary<string, string> storedInputPaths)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var input in GetImageInputs())
        {
            if (storedInputPaths.TryGetValue(input.Field, out var path))
            {
                SetRequestValue(request, input.Field, path);
            }
        }
    }

    /// <summary>Sets <paramref name="field"/> (plain or <c>name[i]</c>) in a serialized request.</summary>
    protected static void SetRequestValue(JsonObject request, string field, string value)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (name, index) = SplitField(field);
        if (index is null)
        {
            request[name] = value;
            return;
        }

        if (request[name] is not JsonArray array)
        {
            array = [];
            request[name] = array;
        }

        while (array.Count <= index.Value)
        {
            array.Add(null);
        }

        array[index.Value] = value;
    }

    /// <summary>The stored path of <paramref name="field"/>, or its original value when the caller stored none.</summary>
    protected static string? StoredOr(IReadOnlyDictionary<string, string> stored, string field, string? original) =>
        stored.TryGetValue(field, out var path) ? path : original;

    /// <summary>A list field with each element replaced by its stored path where there is one.</summary>
    protected static List<string>? StoredList(IReadOnlyDictionary<string, string> stored, string field, IReadOnlyList<string>? original)
    {
        if (original is null)
        {
            return null;
        }

        var result = new List<string>(original.Count);
        for (var i = 0; i < original.Count; i++)
        {
            result.Add(StoredOr(stored, ImageInput.ListField(field, i), original[i])!);
        }

        return result;
    }

    /// <summary>Adds one input per non-empty element of a list field.</summary>
    protected static void AddListInputs(List<ImageInput> inputs, string field, IReadOnlyList<string>? values, bool allowLocalPath)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (values is null)
        {
            return;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (!string.IsNullOrEmpty(values[i]))
            {
                inputs.Add(new ImageInput(ImageInput.ListField(field, i), values[i], allowLocalPath));
            }
        }
    }

    /// <summary>A pydantic-style <c>value_error</c> located at <c>["body", ..path]</c>.</summary>
    protected static ValidationErrorItem ValueError(string message, params object[] path) =>
        ValidationErrorItem.Body("Value error, " + message, "value_error", path);

    /// <summary>The first non-empty of several alternative values.</summary>
    protected static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrEmpty(v));

    /// <summary>How many of several alternative values are set.</summary>
    protected static int CountNonEmpty(params string?[] values) =>
        values.Count(v => !string.IsNullOrEmpty(v));

    private static (string Name, int? Index) SplitField(string field)
    {
        var open = field.IndexOf('[', StringComparison.Ordinal);
        if (open < 0 || !field.EndsWith(']'))
        {
            return (field, null);
        }

        var index = int.Parse(field.AsSpan(open + 1, field.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture);
        return (field[..open], index);
    }
}
