namespace TaskFunctions.Tests.Infrastructure;

/// <summary>Locates the repository (the folder holding TaskFunctions.sln) and build outputs from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests were built with (the solution builds all projects alike).</summary>
    public static string Configuration { get; } = FindConfiguration();

    public static string ProjectOutput(string project) =>
        Path.Combine(Root, "src", project, "bin", Configuration, "net10.0");

    /// <summary>A file of the API contract kept in the repository (<c>docs/spec/</c>, see its README).</summary>
    public static string Spec(string file) => Path.Combine(Root, "docs", "spec", file);

    private static string FindConfiguration()
    {
        // .../tests/TaskFunctions.Tests/bin/{Configuration}/net10.0/
        var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        return bin >= 0 && bin + 1 < parts.Length ? parts[bin + 1] : throw new InvalidOperationException("Cannot tell the build configuration from " + AppContext.BaseDirectory);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TaskFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TaskFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
