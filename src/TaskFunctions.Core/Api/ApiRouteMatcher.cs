namespace TaskFunctions.Core.Api;

/// <summary>
/// Matches a method and a path below <c>/api</c> against <see cref="ApiRoutes"/> as ASP.NET Core routing does: literal
/// segments compare case-insensitively, a parameter takes one non-empty segment, a catch-all the rest (possibly nothing),
/// a trailing slash is ignored, and among several matches for the method the more specific template wins (literal over
/// parameter over catch-all, left to right).
/// </summary>
/// <remarks>
/// The hosts route real requests themselves; this answers for what they did not route (the fallback's 404 or 405 with
/// <c>Allow</c>), and lets tests compare the Functions host's first-match order with the self-host's precedence.
/// Templates use only literals, <c>{name}</c> and a final <c>{*name}</c>; anything else is refused when parsed.
/// </remarks>
public static class ApiRouteMatcher
{
    private static readonly string[] MethodOrder = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];

    private static readonly (ApiRoute Route, Segment[] Segments)[] Routes =
        [.. ApiRoutes.All.Where(r => !r.IsFallback).Select(r => (r, Parse(r.Template)))];

    private enum SegmentKind
    {
        // Values are ASP.NET Core's inbound precedence digits: lower is more specific.
        Literal = 1,
        Parameter = 4,
        CatchAll = 5,
    }

    /// <summary>What the table makes of <paramref name="method"/> on <paramref name="path"/> (relative to /api; a leading slash is allowed).</summary>
    public static ApiRouteMatch Match(string method, string? path)
    {
        ArgumentNullException.ThrowIfNull(method);
        var segments = Split(path);
        var matching = Routes.Where(r => IsMatch(r.Segments, segments)).ToList();
        var route = matching
            .Where(r => string.Equals(r.Route.Method, method, StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => r.Segments, Comparer<Segment[]>.Create(ComparePrecedence))
            .Select(r => r.Route)
            .FirstOrDefault();
        var allowed = matching
            .Select(r => r.Route.Method!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(MethodRank)
            .ThenBy(m => m, StringComparer.Ordinal)
            .ToList();
        return new ApiRouteMatch(route, allowed);
    }

    /// <summary>Whether one template matches a path (relative to /api), by the rules above.</summary>
    public static bool IsMatch(string template, string? path) => IsMatch(Parse(template), Split(path));

    private static bool IsMatch(Segment[] template, string[] path)
    {
        for (var i = 0; i < template.Length; i++)
        {
            var segment = template[i];
            if (segment.Kind == SegmentKind.CatchAll)
            {
                return true;
            }

            if (i >= path.Length || path[i].Length == 0)
            {
                return false;
            }

            if (segment.Kind == SegmentKind.Literal && !string.Equals(segment.Text, path[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return template.Length == path.Length;
    }

    /// <summary>ASP.NET Core's inbound precedence: segment by segment, a missing segment counting as 0 (so "a" beats "a/{*rest}").</summary>
    private static int ComparePrecedence(Segment[] x, Segment[] y)
    {
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var xKind = i < x.Length ? (int)x[i].Kind : 0;
            var yKind = i < y.Length ? (int)y[i].Kind : 0;
            if (xKind != yKind)
            {
                return xKind.CompareTo(yKind);
            }
        }

        return 0;
    }

    private static int MethodRank(string method)
    {
        var index = Array.FindIndex(MethodOrder, m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? MethodOrder.Length : index;
    }

    /// <summary>The path's segments; one leading and one trailing slash are ignored, as the hosts' routing ignores them.</summary>
    private static string[] Split(string? path)
    {
        var span = (path ?? string.Empty).AsSpan();
        if (span.StartsWith("/"))
        {
            span = span[1..];
        }

        if (span.EndsWith("/"))
        {
            span = span[..^1];
        }

        return span.IsEmpty ? [] : span.ToString().Split('/');
    }

    private static Segment[] Parse(string template)
    {
        var parts = template.Length == 0 ? [] : template.Split('/');
        var segments = new Segment[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.StartsWith("{*", StringComparison.Ordinal) && part.EndsWith('}') && i == parts.Length - 1)
            {
                segments[i] = new Segment(SegmentKind.CatchAll, part[2..^1]);
            }
            else if (part.StartsWith('{') && part.EndsWith('}') && part.IndexOfAny(['*', '?', ':', '=', '{', '}'], 1, part.Length - 2) < 0)
            {
                segments[i] = new Segment(SegmentKind.Parameter, part[1..^1]);
            }
            else if (part.Length > 0 && part.IndexOfAny(['{', '}', '*', '?']) < 0)
            {
                segments[i] = new Segment(SegmentKind.Literal, part);
            }
            else
            {
                throw new ArgumentException($"Unsupported route template segment '{part}' in '{template}'.", nameof(template));
            }
        }

        return segments;
    }

    private readonly record struct Segment(SegmentKind Kind, string Text);
}
