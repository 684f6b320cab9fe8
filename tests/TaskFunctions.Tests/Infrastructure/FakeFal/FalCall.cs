namespace TaskFunctions.Tests.Infrastructure.FakeFal;

/// <summary>One request the fake fal server received.</summary>
/// <param name="Kind">"submit", "status", "result", "cancel" (or "other" for paths fal does not serve).</param>
/// <param name="Headers">Request headers by case-insensitive name, repeated values joined with ", ".</param>
public sealed record FalCall(string Kind, string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);
