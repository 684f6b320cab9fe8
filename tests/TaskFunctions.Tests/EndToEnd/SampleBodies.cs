using System.Text.Json.Nodes;
using TaskFunctions.Tests.Infrastructure;

namespace TaskFunctions.Tests.EndToEnd;

/// <summary>A minimal valid create body for every task kind.</summary>
public static class SampleBodies
{
    public static readonly string[] Kinds =
    [
        "GENERATION", "EDITING", "REFINE", "EXPERIMENTAL_FAL", "VIDEO_GENERATION", "LLM_INTERACTION",
        "BACKGROUND_REMOVAL", "DETAIL_ENHANCER", "BACKGROUND_FIX", "IMAGE_ADJUSTER", "FACE_ENHANCER",
    ];

    /// <summary>An image URL the self-host may fetch (set by the fixture to its loopback image server).</summary>
    public static string RemoteImageUrl { get; set; } = "http://127.0.0.1:9/image.png";

    public static string PublicSchemaName(string kind) => kind switch
    {
        "GENERATION" => "GenerationTaskPublic",
        "EDITING" => "EditingTaskPublic",
        "REFINE" => "RefineTaskPublic",
        "EXPERIMENTAL_FAL" => "ExperimentalFalTaskPublic",
        "VIDEO_GENERATION" => "VideoGenerationTaskPublic",
        "LLM_INTERACTION" => "LLMInteractionTaskPublic",
        "BACKGROUND_REMOVAL" => "BackgroundRemovalTaskPublic",
        "DETAIL_ENHANCER" => "DetailEnhancerTaskPublic",
        "BACKGROUND_FIX" => "BackgroundFixTaskPublic",
        "IMAGE_ADJUSTER" => "ImageAdjusterTaskPublic",
        "FACE_ENHANCER" => "FaceEnhancerTaskPublic",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static JsonObject For(string kind, string? tenant = null)
    {
        var image = TestImages.PngDataUrl(16, 12);
        var body = new JsonObject
        {
            ["task_type"] = kind,
            ["origin_instance"] = "tests",
        };
        if (tenant is not null)
        {
            body["origin_tenant_id"] = tenant;
        }

        switch (kind)
        {
            case "GENERATION" or "VIDEO_GENERATION" or "LLM_INTERACTION":
                body["prompt"] = "a red bicycle";
                break;
            case "EDITING":
                body["prompt"] = "make it blue";
                body["base_image"] = image;
                break;
            case "REFINE":
                body["base_image_url"] = RemoteImageUrl;
                break;
            case "EXPERIMENTAL_FAL":
                body["fal_app_id"] = "fal-ai/flux/dev";
                body["fal_parameters"] = new JsonObject { ["prompt"] = "a cat" };
                break;
            case "BACKGROUND_REMOVAL":
                body["input_image_paths"] = new JsonArray(image);
                break;
            case "DETAIL_ENHANCER":
                body["base_image"] = image;
                body["reference_image"] = image;
                break;
            case "BACKGROUND_FIX":
                body["base_image"] = image;
                body["palette_image"] = image;
                break;
            case "IMAGE_ADJUSTER":
                body["input_image"] = image;
                body["target_width"] = 8;
                body["target_height"] = 8;
                break;
            case "FACE_ENHANCER":
                body["input_image"] = image;
                break;
        }

        return body;
    }
}
