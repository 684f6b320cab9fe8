using System.Text.Json.Nodes;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Providers.ComfyUI;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Providers.ComfyUI;

/// <summary>The placeholder convention of <see cref="ComfyUIInjection"/>: titled nodes first, class-type fallbacks otherwise.</summary>
public sealed class ComfyUIInjectionTests
{
    private const string Png = "data:image/png;base64,iVBORw0KGgo=";

    [Fact]
    public void Inject_Fallbacks_SetPositiveNegativeSeedAndLatentSize()
    {
        var graph = ComfyUITestGraphs.TextToImage();

        var uploads = ComfyUIInjection.Inject(graph, new ComfyUIValues { Prompt = "a fox", NegativePrompt = "blurry", Seed = 7, Width = 640, Height = 480 }, "tf-t-result", "txt2img");

        Assert.Empty(uploads);
        Assert.Equal("a fox", graph["6"]!["inputs"]!["text"]!.GetValue<string>());
        Assert.Equal("blurry", graph["7"]!["inputs"]!["text"]!.GetValue<string>());
        Assert.Equal(7, graph["3"]!["inputs"]!["seed"]!.GetValue<long>());
        Assert.Equal((640L, 480L), (graph["5"]!["inputs"]!["width"]!.GetValue<long>(), graph["5"]!["inputs"]!["height"]!.GetValue<long>()));
    }

    [Fact]
    public void Inject_NullValues_LeaveTheWorkflowAsItIs()
    {
        var graph = ComfyUITestGraphs.TextToImage();

        ComfyUIInjection.Inject(graph, new ComfyUIValues(), "tf-t-result", "txt2img");

        Assert.True(JsonNode.DeepEquals(ComfyUITestGraphs.TextToImage(), graph));
    }

    [Theory]
    [InlineData(ComfyUIInjection.Prompt, "CLIPTextEncode", "text", "\"a fox\"")]
    [InlineData(ComfyUIInjection.NegativePrompt, "CLIPTextEncode", "text", "\"blurry\"")]
    [InlineData(ComfyUIInjection.Seed, "KSampler", "seed", "7")]
    [InlineData(ComfyUIInjection.Seed, "RandomNoise", "noise_seed", "7")]
    [InlineData(ComfyUIInjection.Width, "PrimitiveInt", "value", "640")]
    [InlineData(ComfyUIInjection.Height, "EmptyLatentImage", "height", "480")]
    [InlineData(ComfyUIInjection.UpscaleFactor, "ImageScaleBy", "scale_by", "2.5")]
    [InlineData(ComfyUIInjection.Steps, "KSampler", "steps", "12")]
    [InlineData(ComfyUIInjection.Denoise, "KSampler", "denoise", "0.35")]
    public void Inject_TitledNode_GetsItsValue(string title, string classType, string input, string expected)
    {
        var graph = new JsonObject
        {
            ["50"] = new JsonObject
            {
                ["class_type"] = classType,
                ["inputs"] = new JsonObject { [input] = JsonNode.Parse(classType == "CLIPTextEncode" ? "\"old\"" : "1") },
                ["_meta"] = new JsonObject { ["title"] = title.ToUpperInvariant() },
            },
        };
        var values = new ComfyUIValues { Prompt = "a fox", NegativePrompt = "blurry", Seed = 7, Width = 640, Height = 480, UpscaleFactor = 2.5, Steps = 12, Denoise = 0.35 };

        ComfyUIInjection.Inject(graph, values, "tf-t-result", "w");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), graph["50"]!["inputs"]![input]), graph.ToJsonString());
    }

    [Fact]
    public void Inject_TitledPrompt_WinsOverTheSamplerFallback()
    {
        var graph = ComfyUITestGraphs.TextToImage();
        graph["20"] = new JsonObject { ["class_type"] = "PrimitiveString", ["inputs"] = new JsonObject(), ["_meta"] = new JsonObject { ["title"] = "input_prompt" } };

        ComfyUIInjection.Inject(graph, new ComfyUIValues { Prompt = "a fox" }, "tf-t-result", "w");

        Assert.Equal("a fox", graph["20"]!["inputs"]!["text"]!.GetValue<string>());
        Assert.NotEqual("a fox", graph["6"]!["inputs"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Inject_Images_TitledNodesGetUniqueFileNames()
    {
        var graph = ComfyUITestGraphs.ImageToImage();
        graph["4"] = new JsonObject { ["class_type"] = "LoadImage", ["inputs"] = new JsonObject { ["image"] = "x.png" }, ["_meta"] = new JsonObject { ["title"] = "input_reference_image" } };

        var uploads = ComfyUIInjection.Inject(
            graph,
            new ComfyUIValues
            {
                Images = [new ComfyUIImage(ComfyUIInjection.ReferenceImage, "reference_image", "data:image/jpeg;base64,/9j/"), new ComfyUIImage(ComfyUIInjection.Image, "base_image", Png)],
            },
            "tf-abc-result",
            "w");

        Assert.Equal([("1", "tf-abc-result-image.png"), ("4", "tf-abc-result-reference-image.jpg")], uploads.Select(u => (u.Node, u.FileName)));
        Assert.Equal("tf-abc-result-image.png", graph["1"]!["inputs"]!["image"]!.GetValue<string>());
        Assert.Equal("tf-abc-result-reference-image.jpg", graph["4"]!["inputs"]!["image"]!.GetValue<string>());
        Assert.Equal(Png, uploads[0].DataUri);
    }

    [Fact]
    public void Inject_UntitledLoadImages_TakeImagesInNodeIdOrder()
    {
        var graph = new JsonObject
        {
            ["10"] = new JsonObject { ["class_type"] = "LoadImage", ["inputs"] = new JsonObject { ["image"] = "b.png" } },
            ["9"] = new JsonObject { ["class_type"] = "LoadImage", ["inputs"] = new JsonObject { ["image"] = "a.png" } },
        };

        var uploads = ComfyUIInjection.Inject(
            graph,
            new ComfyUIValues { Images = [new ComfyUIImage(ComfyUIInjection.Image, "base_image", Png), new ComfyUIImage(ComfyUIInjection.ReferenceImage, "reference_image", Png)] },
            "s",
            "w");

        Assert.Equal([("9", "s-image.png"), ("10", "s-reference-image.png")], uploads.Select(u => (u.Node, u.FileName)));
    }

    [Fact]
    public void Inject_RequiredImageWithoutNode_ThrowsValidation()
    {
        var ex = Assert.Throws<ProviderException>(() => ComfyUIInjection.Inject(
            ComfyUITestGraphs.TextToImage(), new ComfyUIValues { Images = [new ComfyUIImage(ComfyUIInjection.Image, "base_image", Png)] }, "s", "txt2img"));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
        Assert.Contains("base_image", ex.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("input_image", ex.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inject_OptionalImageWithoutNode_IsLeftOut()
    {
        var graph = ComfyUITestGraphs.ImageToImage();

        var uploads = ComfyUIInjection.Inject(
            graph,
            new ComfyUIValues
            {
                Images = [new ComfyUIImage(ComfyUIInjection.Image, "base_image", Png), new ComfyUIImage(ComfyUIInjection.ReferenceImage, "reference_images[0]", Png, Required: false)],
            },
            "s",
            "w");

        Assert.Equal("1", Assert.Single(uploads).Node);
    }

    [Fact]
    public void Inject_RequiredPromptWithoutPlace_ThrowsValidation()
    {
        var ex = Assert.Throws<ProviderException>(() => ComfyUIInjection.Inject(
            ComfyUITestGraphs.ImageToImage(), new ComfyUIValues { Prompt = "a fox", PromptRequired = true }, "s", "image"));

        Assert.Equal(ErrorCategory.VALIDATION, ex.Failure.Category);
        Assert.Contains("input_prompt", ex.Failure.Message, StringComparison.Ordinal);
    }
}
