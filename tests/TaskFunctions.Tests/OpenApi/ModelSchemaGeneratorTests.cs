using System.Text.Json.Nodes;
using TaskFunctions.Core.OpenApi;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.OpenApi;

public class ModelSchemaGeneratorTests
{
    [Fact]
    public void TypeSchema_UnmappedObjectType_Throws()
    {
        var generator = new ModelSchemaGenerator(TaskJson.Api);

        var error = Assert.Throws<NotSupportedException>(() => generator.TypeSchema(typeof(Uri)));

        Assert.Contains(nameof(Uri), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeSchema_ListOfEnum_IsArrayOfRefAndRegistersEnum()
    {
        var generator = new ModelSchemaGenerator(TaskJson.Api);

        var schema = generator.TypeSchema(typeof(List<ProviderType>));
        var components = generator.Build();

        Assert.Equal("array", schema["type"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/ProviderType", schema["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal(Enum.GetNames<ProviderType>(), components["ProviderType"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void TypeSchema_JsonNode_IsAnyValue()
    {
        var generator = new ModelSchemaGenerator(TaskJson.Api);

        var schema = generator.TypeSchema(typeof(JsonNode));

        Assert.Empty(schema);
    }

    [Fact]
    public void AddObject_PublicType_OmitsInternalField()
    {
        var generator = new ModelSchemaGenerator(TaskJson.Api);

        generator.AddObject(typeof(GenerationTaskPublic), SchemaRole.Response);
        var properties = generator.Build()["GenerationTaskPublic"]!["properties"]!.AsObject();

        Assert.True(properties.ContainsKey("id"));
        Assert.False(properties.ContainsKey("_internal"));
    }

    [Fact]
    public void AddObject_UpdateType_OmitsJsonIgnoredBookkeeping()
    {
        var generator = new ModelSchemaGenerator(TaskJson.Api);

        generator.AddObject(typeof(GenerationTaskPublicUpdate), SchemaRole.Update);
        var properties = generator.Build()["GenerationTaskPublicUpdate"]!["properties"]!.AsObject();

        Assert.True(properties.ContainsKey("status"));
        Assert.False(properties.ContainsKey("present_fields"));
        Assert.False(properties.ContainsKey("has_status"));
    }
}
