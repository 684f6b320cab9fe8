using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using TaskFunctions.Core.Api;

namespace TaskFunctions.Tests.Api;

public sealed class IdempotencyKeyTests
{
    public static TheoryData<string> ValidKeys => new()
    {
        "a",
        "3f1c6a0e-8e0b-4a55-9d7e-7f6c2b1a9e01",
        "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        new string('~', IdempotencyKey.MaxLength),
    };

    public static TheoryData<string, string> InvalidKeys => new()
    {
        { string.Empty, "string_too_short" },
        { new string('k', IdempotencyKey.MaxLength + 1), "string_too_long" },
        { "ключ", "string_pattern_mismatch" },
        { "caf\u00e9", "string_pattern_mismatch" },
        { "a b", "string_pattern_mismatch" },
        { "a\tb", "string_pattern_mismatch" },
        { "a\u0001b", "string_pattern_mismatch" },
        { "a\u007Fb", "string_pattern_mismatch" },
        { "\u0000", "string_pattern_mismatch" },
    };

    [Theory]
    [MemberData(nameof(ValidKeys))]
    public void Validate_VisibleAsciiUpTo255_IsAccepted(string key)
    {
        var error = IdempotencyKey.Validate(key);

        Assert.Null(error);
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void Validate_InvalidKey_Returns422EntryAtHeader(string key, string type)
    {
        var error = IdempotencyKey.Validate(key);

        Assert.NotNull(error);
        Assert.Equal(["header", "idempotency-key"], error.Loc);
        Assert.Equal(type, error.Type);
        Assert.False(string.IsNullOrWhiteSpace(error.Msg));
    }

    [Fact]
    public void Validate_ControlCharacter_NamesItsPosition()
    {
        var error = IdempotencyKey.Validate("ab\u0001");

        Assert.Contains("character 2 is U+0001", error!.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderAbsent_ReturnsNoKeyAndNoError()
    {
        var headers = new HeaderDictionary();

        var (key, error) = IdempotencyKey.Read(headers);

        Assert.Null(key);
        Assert.Null(error);
    }

    [Fact]
    public void Read_ValidHeader_ReturnsKey()
    {
        var headers = new HeaderDictionary { ["idempotency-key"] = "order-42" };

        var (key, error) = IdempotencyKey.Read(headers);

        Assert.Equal("order-42", key);
        Assert.Null(error);
    }

    [Fact]
    public void Read_EmptyHeader_ReturnsTooShort()
    {
        var headers = new HeaderDictionary { [IdempotencyKey.HeaderName] = string.Empty };

        var (key, error) = IdempotencyKey.Read(headers);

        Assert.Null(key);
        Assert.Equal("string_too_short", error!.Type);
    }

    [Fact]
    public void Read_HeaderSentTwice_IsRefused()
    {
        var headers = new HeaderDictionary { [IdempotencyKey.HeaderName] = new StringValues(["a", "b"]) };

        var (key, error) = IdempotencyKey.Read(headers);

        Assert.Null(key);
        Assert.Equal(["header", "idempotency-key"], error!.Loc);
    }
}
