using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Tasks;

public class CreateTaskBaseTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public void GetImageInputs_EditingDeprecatedFields_MapToBaseImageAndFirstReference()
    {
        var request = Parse<CreateEditingTask>(TaskType.EDITING, """{"base_image":"#remove","base_image_data":"aGk=","reference_image_url":"https://e.com/r.png"}""");

        var inputs = request.GetImageInputs();

        Assert.Equal(
            [new ImageInput("base_image", "aGk=", false), new ImageInput("reference_images[0]", "https://e.com/r.png", false)],
            inputs);
    }

    [Fact]
    public void GetImageInputs_EditingReferenceList_IndexesEachItem()
    {
        var request = Parse<CreateEditingTask>(TaskType.EDITING, """{"reference_images":["https://e.com/1.png","https://e.com/2.png"]}""");

        var fields = request.GetImageInputs().Select(i => i.Field);

        Assert.Equal(["base_image", "reference_images[0]", "reference_images[1]"], fields);
    }

    [Fact]
    public void GetImageInputs_GenerationReferenceUrl_MapsToReferenceImage()
    {
        var request = Parse<CreateGenerationTask>(TaskType.GENERATION, """{"reference_image_url":"https://e.com/r.png"}""");

        var input = Assert.Single(request.GetImageInputs());

        Assert.Equal(new ImageInput("reference_image", "https://e.com/r.png", false), input);
    }

    [Fact]
    public void GetImageInputs_VideoInputImageData_MapsToInputImage()
    {
        var request = Parse<CreateVideoGenerationTask>(TaskType.VIDEO_GENERATION, """{"input_image_data":"data:image/png;base64,aGk="}""");

        var input = Assert.Single(request.GetImageInputs());

        Assert.Equal("input_image", input.Field);
    }

    [Fact]
    public void GetImageInputs_LocalPathKinds_AllowLocalPath()
    {
        var fix = Parse<CreateBackgroundFixTask>(TaskType.BACKGROUND_FIX, "{}");
        var removal = Parse<CreateBackgroundRemovalTask>(TaskType.BACKGROUND_REMOVAL, """{"input_image_paths":["/data/a.png","/data/b.png"]}""");
        var face = Parse<CreateFaceEnhancerTask>(TaskType.FACE_ENHANCER, "{}");

        Assert.All(fix.GetImageInputs(), i => Assert.True(i.AllowLocalPath));
        Assert.Equal(["input_image_paths[0]", "input_image_paths[1]"], removal.GetImageInputs().Select(i => i.Field));
        Assert.All(removal.GetImageInputs(), i => Assert.True(i.AllowLocalPath));
        Assert.False(Assert.Single(face.GetImageInputs()).AllowLocalPath);
    }

    [Fact]
    public void ToPublic_Editing_BuildsPendingDocumentWithStoredPaths()
    {
        var request = Parse<CreateEditingTask>(TaskType.EDITING, """{"base_image":"#remove","base_image_url":"https://e.com/b.png","reference_image_data":"aGk=","priority":4,"webhook_url":"https://hook.example.com/x","queue_name":"q1","provider_type":"FAL"}""");
        var stored = new Dictionary<string, string>
        {
            ["base_image"] = "editings/id1/inputs/base_image.png",
            ["reference_images[0]"] = "editings/id1/inputs/reference_images_0.png",
        };

        var task = Assert.IsType<EditingTaskPublic>(request.ToPublic("id1", "tenant-a", Now, stored));

        Assert.Equal("id1", task.Id);
        Assert.Equal(TaskState.PENDING, task.Status);
        Assert.Equal(Now, task.CreatedAt);
        Assert.Equal(Now, task.UpdatedAt);
        Assert.Equal(0, task.RetryCount);
        Assert.Equal(0, task.Progress);
        Assert.Equal(4, task.Priority);
        Assert.Equal(ProviderType.FAL, task.ProviderType);
        Assert.Equal("node-1", task.OriginInstance);
        Assert.Equal("editings/id1/inputs/base_image.png", task.BaseImagePath);
        Assert.Equal(["editings/id1/inputs/reference_images_0.png"], task.ReferenceImages);
        Assert.Equal("editings/id1/inputs/reference_images_0.png", task.ReferenceImagePath);
        Assert.Equal("tenant-a", task.Internal.Tenant);
        Assert.Equal("https://hook.example.com/x", task.Internal.WebhookUrl);
        Assert.Equal("q1", task.Internal.QueueName);
        Assert.Equal(stored, task.Internal.InputPaths);
    }

    [Fact]
    public void ToPublic_Editing_StoredRequestHasPathsAndNoDeprecatedPayloads()
    {
        var request = Parse<CreateEditingTask>(TaskType.EDITING, """{"base_image":"#remove","base_image_data":"aGk=","reference_image_url":"https://e.com/r.png"}""");
        var stored = new Dictionary<string, string> { ["base_image"] = "b.png", ["reference_images[0]"] = "r.png" };

        var task = request.ToPublic("id1", "t", Now, stored);
        var back = TaskJson.ReadCreateRequest<CreateEditingTask>(task);

        Assert.Equal("b.png", back.BaseImage);
        Assert.Null(back.BaseImageData);
        Assert.Null(back.ReferenceImageUrl);
        Assert.Equal(["r.png"], back.ReferenceImages);
        Assert.Equal("make it blue", back.Prompt);
    }

    [Fact]
    public void ToPublic_Generation_ReferencePathFromStore()
    {
        var request = Parse<CreateGenerationTask>(TaskType.GENERATION, """{"reference_image_data":"aGk=","reference_image_strength":30,"width":512}""");
        var stored = new Dictionary<string, string> { ["reference_image"] = "generations/g/inputs/reference.png" };

        var task = Assert.IsType<GenerationTaskPublic>(request.ToPublic("g", "t", Now, stored));
        var back = TaskJson.ReadCreateRequest<CreateGenerationTask>(task);

        Assert.Equal("generations/g/inputs/reference.png", task.ReferenceImagePath);
        Assert.Equal(30, task.ReferenceImageStrength);
        Assert.Equal(512, task.Width);
        Assert.Equal("a cat", task.Prompt);
        Assert.Null(back.ReferenceImageData);
        Assert.Equal("generations/g/inputs/reference.png", back.ReferenceImageUrl);
    }

    [Fact]
    public void ToPublic_BackgroundRemoval_ListPathsFromStore()
    {
        var request = Parse<CreateBackgroundRemovalTask>(TaskType.BACKGROUND_REMOVAL, """{"input_image_paths":["aGk=","aGk="]}""");
        var stored = new Dictionary<string, string> { ["input_image_paths[0]"] = "p0.png", ["input_image_paths[1]"] = "p1.png" };

        var task = Assert.IsType<BackgroundRemovalTaskPublic>(request.ToPublic("r", "t", Now, stored));

        Assert.Equal(["p0.png", "p1.png"], task.InputImagePaths);
        Assert.Equal(["p0.png", "p1.png"], TaskJson.ReadCreateRequest<CreateBackgroundRemovalTask>(task).InputImagePaths);
    }

    [Fact]
    public void ToPublic_BackgroundFix_CopiesDefaults()
    {
        var request = Parse<CreateBackgroundFixTask>(TaskType.BACKGROUND_FIX, "{}");

        var task = Assert.IsType<BackgroundFixTaskPublic>(request.ToPublic("f", "t", Now, new Dictionary<string, string>()));

        Assert.Equal(BackgroundFixStrategy.HSV_SHIFT, task.Strategy);
        Assert.Equal(0.005, task.MaskExpansionPercentage);
        Assert.Equal(20.0, task.EdgeBlurSigma);
        Assert.Equal(150, task.ShadowThreshold);
        Assert.Equal(220, task.LightThreshold);
    }

    [Fact]
    public void ToPublic_VideoGeneration_CopiesDefaultsAndInputPath()
    {
        var request = Parse<CreateVideoGenerationTask>(TaskType.VIDEO_GENERATION, """{"input_image_url":"https://e.com/i.png"}""");
        var stored = new Dictionary<string, string> { ["input_image"] = "video-generations/v/inputs/input_image.png" };

        var task = Assert.IsType<VideoGenerationTaskPublic>(request.ToPublic("v", "t", Now, stored));

        Assert.Equal(5, task.DurationSeconds);
        Assert.Equal(0.5, task.CfgScale);
        Assert.Equal("video-generations/v/inputs/input_image.png", task.InputImagePath);
    }

    private static T Parse<T>(TaskType kind, string patch)
        where T : CreateTaskBase
    {
        var result = TaskRequestParser.ParseCreate(TaskRequestParserCreateTests.Body(kind, patch));
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Msg)));
        return Assert.IsType<T>(result.Value);
    }
}
