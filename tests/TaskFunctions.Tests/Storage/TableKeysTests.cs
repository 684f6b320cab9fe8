using TaskFunctions.Core.Storage;

namespace TaskFunctions.Tests.Storage;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("abc-DEF_1.2", "abc-DEF_1.2")]
    [InlineData("a/b", "a~2Fb")]
    [InlineData("~41", "~7E41")]
    [InlineData("é", "~C3~A9")]
    [InlineData("", "")]
    public void Encode_Value_KeepsSafeCharactersAndEscapesTheRest(string value, string expected)
    {
        var encoded = TableKeys.Encode(value);

        Assert.Equal(expected, encoded);
    }

    [Fact]
    public void Encode_ForbiddenKeyCharacters_NeverAppearInResult()
    {
        var encoded = TableKeys.Encode("/\\#?\u0000\u001f\u007f'\"%");

        Assert.DoesNotMatch(@"[/\\#?\u0000-\u001f\u007f-\u009f'""%]", encoded);
    }

    [Fact]
    public void Encode_VeryLongValues_HashesDistinctlyWithinKeyLimit()
    {
        var first = TableKeys.Encode(new string('/', 2000));
        var second = TableKeys.Encode(new string('/', 1999) + "a");

        Assert.True(first.Length <= 400);
        Assert.StartsWith("!", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void IndexRowKey_LaterCreation_SortsFirst()
    {
        var earlier = TableKeys.IndexRowKey(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), "b");
        var later = TableKeys.IndexRowKey(new DateTimeOffset(2025, 1, 1, 0, 0, 0, 1, TimeSpan.Zero), "a");

        Assert.True(string.CompareOrdinal(later, earlier) < 0);
    }

    [Fact]
    public void CreatedAtFromIndexRowKey_OwnKey_ReturnsCreationTime()
    {
        var createdAt = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(89);

        var parsed = TableKeys.CreatedAtFromIndexRowKey(TableKeys.IndexRowKey(createdAt, "id"));

        Assert.Equal(createdAt.UtcTicks, parsed?.UtcTicks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-key")]
    [InlineData("99999999999999999999_x")]
    public void CreatedAtFromIndexRowKey_ForeignKey_ReturnsNull(string rowKey)
    {
        var parsed = TableKeys.CreatedAtFromIndexRowKey(rowKey);

        Assert.Null(parsed);
    }
}
