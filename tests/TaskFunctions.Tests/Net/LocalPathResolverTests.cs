using TaskFunctions.Core.Net;

namespace TaskFunctions.Tests.Net;

public sealed class LocalPathResolverTests : IDisposable
{
    private readonly string _base;
    private readonly string _root;
    private readonly string _outside;

    public LocalPathResolverTests()
    {
        // Each test gets its own tree: <base>/root (the allowed root) and <base>/outside (a sibling it must not reach).
        _base = Directory.CreateTempSubdirectory("tf-localpath-").FullName;
        _root = Directory.CreateDirectory(Path.Combine(_base, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_base, "outside")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "a", "b"));
        File.WriteAllText(Path.Combine(_root, "a", "b", "image.png"), "inside");
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside");
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Theory]
    [InlineData("../outside/secret.txt")]
    [InlineData("..")]
    [InlineData("a/../../outside/secret.txt")]
    [InlineData("a/b/../../../outside/secret.txt")]
    [InlineData("/etc/passwd")]
    [InlineData(".")]
    [InlineData("a/..")]
    public void Resolve_TraversalOrOutsidePath_Throws(string userPath)
    {
        // Act
        var ex = Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, userPath));

        // Assert
        Assert.DoesNotContain(_base, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_AbsolutePathThroughRootParent_Throws()
    {
        // Arrange
        string userPath = _root + "/../outside/secret.txt";

        // Act & Assert
        Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, userPath));
    }

    [Fact]
    public void Resolve_SiblingWithRootAsPrefix_Throws()
    {
        // Arrange: "<base>/root-evil" starts with "<base>/root" but is not below it.
        string sibling = Directory.CreateDirectory(_root + "-evil").FullName;
        File.WriteAllText(Path.Combine(sibling, "x.png"), "evil");

        // Act & Assert
        Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, Path.Combine(sibling, "x.png")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a/b/image.png\0.txt")]
    public void Resolve_EmptyOrNulPath_Throws(string userPath)
    {
        // Act & Assert
        Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, userPath));
    }

    [Fact]
    public void Resolve_FileSymlinkPointingOutside_Throws()
    {
        // Arrange
        File.CreateSymbolicLink(Path.Combine(_root, "link.png"), Path.Combine(_outside, "secret.txt"));

        // Act & Assert
        Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, "link.png"));
    }

    [Fact]
    public void Resolve_RelativeFileSymlinkPointingOutside_Throws()
    {
        // Arrange
        File.CreateSymbolicLink(Path.Combine(_root, "a", "link.png"), "../../outside/secret.txt");

        // Act & Assert
        Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, "a/link.png"));
    }

    [Fact]
    public void Resolve_SymlinkedParentDirectoryPointingOutside_Throws()
    {
        // Arrange
        Directory.CreateSymbolicLink(Path.Combine(_root, "linked"), _outside);

        // Act & Assert
        Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, "linked/secret.txt"));
    }

    [Fact]
    public void Resolve_DotDotAfterSymlinkedDirectory_FollowsRealParentAndThrows()
    {
        // Arrange: "deep" links to <base>/outside/x, so "deep/../secret.txt" is really <base>/outside/secret.txt,
        // although lexically it looks like <root>/secret.txt.
        string outsideChild = Directory.CreateDirectory(Path.Combine(_outside, "x")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(_root, "deep"), outsideChild);

        // Act & Assert
        Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, "deep/../secret.txt"));
    }

    [Fact]
    public void Resolve_DanglingSymlinkPointingOutside_Throws()
    {
        // Arrange: writing through this link would create a file outside the root.
        File.CreateSymbolicLink(Path.Combine(_root, "dangling.png"), Path.Combine(_outside, "not-yet.png"));

        // Act & Assert
        Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, "dangling.png"));
    }

    [Fact]
    public void Resolve_SymlinkLoop_Throws()
    {
        // Arrange
        File.CreateSymbolicLink(Path.Combine(_root, "loop1"), Path.Combine(_root, "loop2"));
        File.CreateSymbolicLink(Path.Combine(_root, "loop2"), Path.Combine(_root, "loop1"));

        // Act & Assert
        Assert.Throws<LocalPathException>(() => LocalPathResolver.Resolve(_root, "loop1"));
    }

    [Theory]
    [InlineData("a/b/image.png")]
    [InlineData("./a/b/image.png")]
    [InlineData("a/./b/../b/image.png")]
    [InlineData("a//b/image.png")]
    public void Resolve_NestedFileInsideRoot_ReturnsFullPath(string userPath)
    {
        // Act
        string resolved = LocalPathResolver.Resolve(_root, userPath);

        // Assert
        Assert.Equal(Path.Combine(_root, "a", "b", "image.png"), resolved);
        Assert.Equal("inside", File.ReadAllText(resolved));
    }

    [Fact]
    public void Resolve_AbsolutePathInsideRoot_ReturnsFullPath()
    {
        // Arrange
        string userPath = Path.Combine(_root, "a", "b", "image.png");

        // Act
        string resolved = LocalPathResolver.Resolve(_root, userPath);

        // Assert
        Assert.Equal(userPath, resolved);
    }

    [Fact]
    public void Resolve_SymlinkStayingInsideRoot_ReturnsTarget()
    {
        // Arrange
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), Path.Combine(_root, "a"));

        // Act
        string resolved = LocalPathResolver.Resolve(_root, "alias/b/image.png");

        // Assert
        Assert.Equal(Path.Combine(_root, "a", "b", "image.png"), resolved);
    }

    [Fact]
    public void Resolve_RootGivenThroughSymlink_AcceptsFilesBelowIt()
    {
        // Arrange: the configured root is itself a link (e.g. a mounted volume); files below its target are inside.
        string linkedRoot = Path.Combine(_base, "root-link");
        Directory.CreateSymbolicLink(linkedRoot, _root);

        // Act
        string resolved = LocalPathResolver.Resolve(linkedRoot, "a/b/image.png");

        // Assert
        Assert.Equal(Path.Combine(_root, "a", "b", "image.png"), resolved);
    }

    [Fact]
    public void Resolve_MissingFileInsideRoot_ReturnsPathForCallerToReport()
    {
        // Act
        string resolved = LocalPathResolver.Resolve(_root, "a/missing.png");

        // Assert
        Assert.Equal(Path.Combine(_root, "a", "missing.png"), resolved);
        Assert.False(File.Exists(resolved));
    }
}
