namespace TaskFunctions.Core.OpenApi;

/// <summary>How a model type is used on the wire, which decides its <c>required</c> list and defaults.</summary>
internal enum SchemaRole
{
    /// <summary>A create body: <c>[Required]</c> fields are required, omitted fields take the model's defaults.</summary>
    Create,

    /// <summary>A PUT body: nothing is required and an omitted field means "unchanged", so no defaults.</summary>
    Update,

    /// <summary>A response: every field the serializer always writes is required.</summary>
    Response,
}
