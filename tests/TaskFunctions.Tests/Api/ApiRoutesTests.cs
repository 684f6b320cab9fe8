using TaskFunctions.Core.Api;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Api;

public sealed class ApiRoutesTests
{
    [Fact]
    public void All_Names_AreUnique()
    {
        Assert.Equal(ApiRoutes.All.Count, ApiRoutes.All.Select(r => r.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void All_MethodAndTemplate_AreUnique()
    {
        var pairs = ApiRoutes.All.Select(r => (r.Method, r.Template)).ToList();

        Assert.Equal(pairs.Count, pairs.Distinct().Count());
    }

    [Fact]
    public void All_Fallback_IsTheOnlyOneAndLast()
    {
        var fallback = Assert.Single(ApiRoutes.All, r => r.IsFallback);

        Assert.Same(ApiRoutes.NotFound, fallback);
        Assert.Same(fallback, ApiRoutes.All[^1]);
        Assert.Null(fallback.Method);
        Assert.All(ApiRoutes.All.Where(r => !r.IsFallback), r => Assert.NotNull(r.Method));
    }

    [Fact]
    public void All_Templates_ParseAndMatchThemselves()
    {
        Assert.All(ApiRoutes.All, r => Assert.True(ApiRouteMatcher.IsMatch(r.Template, r.Template), r.Template));
    }

    [Fact]
    public void All_Methods_AreUpperCase()
    {
        Assert.All(ApiRoutes.All.Where(r => r.Method is not null), r => Assert.Equal(r.Method!.ToUpperInvariant(), r.Method));
    }

    [Fact]
    public void All_GenerationFamily_IsExactlyTheGenerationTemplatesAndServesGenerationOnly()
    {
        var generation = ApiRoutes.All.Where(r => r.Family == TaskRouteFamily.Generation).ToList();

        Assert.All(generation, r => Assert.StartsWith(ApiRoutes.GenerationTasks, r.Template, StringComparison.Ordinal));
        Assert.All(generation, r => Assert.Equal(TaskType.GENERATION, r.OnlyKind));
        Assert.Equal(5, generation.Count);
        Assert.All(ApiRoutes.All.Except(generation), r => Assert.Null(r.OnlyKind));
    }
}
