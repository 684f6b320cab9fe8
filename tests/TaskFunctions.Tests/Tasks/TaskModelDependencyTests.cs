using System.Reflection;
using System.Text.RegularExpressions;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Tasks;

/// <summary>The task model sits below the API: <c>Tasks/</c> may be used by <c>Api/</c>, never the other way round.</summary>
public sealed partial class TaskModelDependencyTests
{
    private const string TasksNamespace = "TaskFunctions.Core.Tasks";
    private const string ApiNamespace = "TaskFunctions.Core.Api";

    [Fact]
    public void TaskModelSources_ReferenceApi_Never()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "src", "TaskFunctions.Core", "Tasks");

        // Inside namespace TaskFunctions.Core.Tasks, "Api.X" resolves to TaskFunctions.Core.Api.X, so both spellings count.
        var offenders = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(file => ApiReference().IsMatch(File.ReadAllText(file)))
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file))
            .ToList();

        Assert.NotEmpty(Directory.EnumerateFiles(folder, "*.cs"));
        Assert.Empty(offenders);
    }

    [Fact]
    public void TaskModelTypes_SignaturesUseApiTypes_Never()
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = typeof(TaskType).Assembly.GetTypes().Where(t => t.Namespace == TasksNamespace).ToList();

        var offenders = types
            .SelectMany(type => SignatureTypes(type, All).Where(IsApiType).Select(used => $"{type.Name} uses {used.FullName}"))
            .Distinct()
            .ToList();

        Assert.NotEmpty(types);
        Assert.Empty(offenders);
    }

    private static IEnumerable<Type> SignatureTypes(Type type, BindingFlags flags)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var face in type.GetInterfaces())
        {
            yield return face;
        }

        foreach (var field in type.GetFields(flags))
        {
            yield return field.FieldType;
        }

        foreach (var property in type.GetProperties(flags))
        {
            yield return property.PropertyType;
        }

        foreach (var method in type.GetMethods(flags).Cast<MethodBase>().Concat(type.GetConstructors(flags)))
        {
            if (method is MethodInfo info)
            {
                yield return info.ReturnType;
            }

            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }
        }
    }

    private static bool IsApiType(Type type)
    {
        while (type.HasElementType)
        {
            type = type.GetElementType()!;
        }

        return type.Namespace == ApiNamespace || (type.IsGenericType && type.GetGenericArguments().Any(IsApiType));
    }

    [GeneratedRegex(@"TaskFunctions\.Core\.Api\b|(?<![\w.])Api\.[A-Z]", RegexOptions.CultureInvariant)]
    private static partial Regex ApiReference();
}
