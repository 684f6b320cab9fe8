namespace TaskFunctions.Tests.Webhooks;

/// <summary>One request as the receiver saw it, with the verdict of its own signature check.</summary>
internal sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool SignatureValid);
