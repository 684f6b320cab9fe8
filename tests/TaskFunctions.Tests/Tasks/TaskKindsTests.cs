using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Tasks;

public class TaskKindsTests
{
    [Theory]
    [InlineData(TaskType.GENERATION, "generations")]
    [InlineData(TaskType.EDITING, "editings")]
    [InlineData(TaskType.REFINE, "refines")]
    [InlineData(TaskType.EXPERIMENTAL_FAL, "experimental-fal")]
    [InlineData(TaskType.VIDEO_GENERATION, "video-generations")]
    [InlineData(TaskType.LLM_INTERACTION, "llm-interactions")]
    [InlineData(TaskType.BACKGROUND_REMOVAL, "background-removals")]
    [InlineData(TaskType.DETAIL_ENHANCER, "detail-enhancements")]
    [InlineData(TaskType.BACKGROUND_FIX, "background-fixes")]
    [InlineData(TaskType.IMAGE_ADJUSTER, "image-adjustments")]
    [InlineData(TaskType.FACE_ENHANCER, "face-enhancements")]
    public void Container_Kind_ReturnsDesignName(TaskType kind, string container)
    {
        var actual = TaskKinds.Container(kind);

        Assert.Equal(container, actual);
    }

    [Fact]
    public void Container_UndefinedKind_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TaskKinds.Container((TaskType)99));
    }

    [Fact]
    public void ImageResamplers_Names_EqualImageAdjusterAllowedValues()
    {
        var property = typeof(CreateImageAdjusterTask).GetProperty(nameof(CreateImageAdjusterTask.Resampling))!;
        var allowed = property.GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.AllowedValuesAttribute), false)
            .Cast<System.ComponentModel.DataAnnotations.AllowedValuesAttribute>().Single().Values.Cast<string>();

        Assert.Equal(ImageResamplers.Names.Order(), allowed.Order());
        Assert.All(ImageResamplers.Names, n => Assert.NotNull(ImageResamplers.Resolve(n)));
    }
}
