namespace TaskFunctions.Core.Net;

/// <summary>Maps a caller-supplied local path to a real file path that is guaranteed to stay below a configured root.</summary>
/// <remarks>
/// Symbolic links are resolved component by component (like <c>realpath</c>), so a link anywhere in the path, including a
/// linked parent directory or a dangling link, is judged by where it really leads. The returned path contains no links
/// at check time; a link swapped in afterwards (TOCTOU) needs write access to the root, which callers must not have.
/// </remarks>
public static class LocalPathResolver
{
    // Same bound as Linux's MAXSYMLINKS; beyond it the path is a loop or an attack.
    private const int MaxLinkHops = 40;

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Returns the canonical, link-free full path of <paramref name="userPath"/> (relative to <paramref name="root"/> or absolute inside it); throws <see cref="LocalPathException"/> if it leaves the root.</summary>
    public static string Resolve(string root, string userPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        if (string.IsNullOrWhiteSpace(userPath))
        {
            throw new LocalPathException("The local path is empty.");
        }

        if (userPath.Contains('\0', StringComparison.Ordinal))
        {
            throw new LocalPathException("The local path contains a NUL character.");
        }

        string fullRoot = Path.GetFullPath(root);
        string realRoot = RealPath(Path.GetPathRoot(fullRoot)!, fullRoot[Path.GetPathRoot(fullRoot)!.Length..]);
        string lexical;
        try
        {
            // An absolute userPath replaces the root here; the containment check below then decides.
            lexical = Path.GetFullPath(Path.Combine(fullRoot, userPath));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new LocalPathException("The local path is not a valid path.");
        }

        // Checked lexically first so "../x" is refused without touching the file system outside the root.
        if (!IsBelow(lexical, fullRoot) && !IsBelow(lexical, realRoot))
        {
            throw new LocalPathException("The local path leaves the allowed directory.");
        }

        // Walk the caller's own components, not the lexically collapsed path: after a linked directory, ".." means
        // the link target's parent, which GetFullPath cannot know.
        string real = Path.IsPathRooted(userPath)
            ? RealPath(Path.GetPathRoot(userPath)!, userPath[Path.GetPathRoot(userPath)!.Length..])
            : RealPath(realRoot, userPath);
        if (!IsBelow(real, realRoot))
        {
            throw new LocalPathException("The local path leaves the allowed directory through a symbolic link.");
        }

        return real;
    }

    private static bool IsBelow(string path, string root)
    {
        string prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, PathComparison);
    }

    /// <summary>Appends <paramref name="rest"/> to the link-free directory <paramref name="start"/>, resolving every symbolic link and "." / ".." one component at a time.</summary>
    private static string RealPath(string start, string rest)
    {
        string current = start;
        var pending = new LinkedList<string>(Split(rest));
        int hops = 0;

        while (pending.First is { } node)
        {
            string part = node.Value;
            pending.RemoveFirst();

            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                // current never contains links, so its lexical parent is its real parent.
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            string next = Path.Join(current, part);
            string? target = ReadLink(next);
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new LocalPathException("The local path has too many levels of symbolic links.");
            }

            // Re-walk the target so links inside it (and ".." after a link) are resolved against real directories.
            string? targetRoot = Path.GetPathRoot(target);
            if (!string.IsNullOrEmpty(targetRoot))
            {
                current = targetRoot;
                target = target[targetRoot.Length..];
            }

            string[] targetParts = Split(target);
            for (int i = targetParts.Length - 1; i >= 0; i--)
            {
                pending.AddFirst(targetParts[i]);
            }
        }

        return current;
    }

    // FileInfo looks at the link itself (lstat), so links to directories and dangling links are both reported;
    // a dangling link matters because creating a file through it would land wherever it points.
    private static string? ReadLink(string path) => new FileInfo(path).LinkTarget;

    private static string[] Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
