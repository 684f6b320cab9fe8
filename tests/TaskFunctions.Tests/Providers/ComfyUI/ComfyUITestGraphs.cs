using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.Providers.ComfyUI;

/// <summary>The example workflows shipped with the fake (tests/…/Infrastructure/FakeComfyUI/*.json).</summary>
internal static class ComfyUITestGraphs
{
    public static string Path(string file) =>
        System.IO.Path.Combine(RepositoryPaths.Root, "tests", "TaskFunctions.Tests", "Infrastructure", "FakeComfyUI", file);

    public static JsonObject TextToImage() => JsonNode.Parse(File.ReadAllText(Path("txt2img.json")))!.AsObject();

    public static JsonObject ImageToImage() => JsonNode.Parse(File.ReadAllText(Path("image-to-image.json")))!.AsObject();
}
