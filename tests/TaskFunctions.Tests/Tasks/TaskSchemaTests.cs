using System.Text.Json;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Tasks;

public class TaskSchemaTests
{
    public static TheoryData<string> CreateSchemas() => Schemas(n => n.StartsWith("Create", StringComparison.Ordinal));

    public static TheoryData<string> PublicSchemas() => Schemas(n => n.EndsWith("TaskPublic", StringComparison.Ordinal));

    public static TheoryData<string> UpdateSchemas() => Schemas(n => n.EndsWith("Update", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(CreateSchemas))]
    public void CreateClass_WireFields_MatchSchema(string schema)
    {
        var instance = Activator.CreateInstance(ModelType(schema))!;

        var json = JsonSerializer.SerializeToNode(instance, instance.GetType(), TaskJson.Storage)!.AsObject();

        Assert.Equal(Expected(schema), json.Select(p => p.Key).Order());
    }

    [Theory]
    [MemberData(nameof(PublicSchemas))]
    public void PublicClass_ApiSerialization_HasExactlySchemaFields(string schema)
    {
        var task = (TaskPublicBase)Activator.CreateInstance(ModelType(schema))!;

        var json = TaskJson.ToPublicJson(task).AsObject();

        Assert.Equal(Expected(schema), json.Select(p => p.Key).Order());
    }

    [Theory]
    [MemberData(nameof(UpdateSchemas))]
    public void UpdateClass_WireFields_MatchSchema(string schema)
    {
        var instance = Activator.CreateInstance(ModelType(schema))!;

        var json = JsonSerializer.SerializeToNode(instance, instance.GetType(), TaskJson.Storage)!.AsObject();

        Assert.Equal(Expected(schema), json.Select(p => p.Key).Order());
    }

    [Fact]
    public void TaskKinds_EveryKind_RegistersTypesNamedAfterSchemas()
    {
        foreach (var kind in TaskKinds.All)
        {
            var publicName = TaskKinds.PublicType(kind).Name;
            Assert.True(SpecSchemas.All.ContainsKey(publicName), publicName);
            Assert.Equal("Create" + publicName.Replace("Public", "", StringComparison.Ordinal), TaskKinds.CreateType(kind).Name);
            Assert.Equal(publicName + "Update", TaskKinds.PublicUpdateType(kind).Name);
            var create = (CreateTaskBase)Activator.CreateInstance(TaskKinds.CreateType(kind))!;
            var document = (TaskPublicBase)Activator.CreateInstance(TaskKinds.PublicType(kind))!;
            Assert.Equal(kind, create.TaskType);
            Assert.Equal(kind, document.TaskType);
        }
    }

    [Fact]
    public void ToPublicJson_DefaultDocument_WritesNullsAndEnumsAsStrings()
    {
        var task = new GenerationTaskPublic { Status = TaskState.RUNNING };

        var json = TaskJson.ToPublicJson(task);

        Assert.Equal("RUNNING", json["status"]!.GetValue<string>());
        Assert.Equal("GENERATION", json["task_type"]!.GetValue<string>());
        Assert.True(json.AsObject().ContainsKey("provider_type"));
        Assert.Null(json["provider_type"]);
    }

    private static Type ModelType(string schema) =>
        typeof(TaskPublicBase).Assembly.GetType("TaskFunctions.Core.Tasks." + schema)
        ?? throw new InvalidOperationException($"No class for schema {schema}.");

    private static IEnumerable<string> Expected(string schema) =>
        SpecSchemas.FieldsOf(schema).Order();

    private static TheoryData<string> Schemas(Func<string, bool> filter)
    {
        var data = new TheoryData<string>();
        foreach (var name in SpecSchemas.All.Keys.Where(filter).Order())
        {
            data.Add(name);
        }

        return data;
    }
}
