namespace TaskFunctions.Tests.Infrastructure.FakeReplicate;

/// <summary>One request the fake Replicate server received.</summary>
/// <param name="Kind">"create", "get", "cancel" (or "other" for paths the fake does not serve).</param>
/// <param name="Headers">Request headers by case-insensitive name, repeated values joined with ", ".</param>
public sealed record ReplicateCall(string Kind, string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);
