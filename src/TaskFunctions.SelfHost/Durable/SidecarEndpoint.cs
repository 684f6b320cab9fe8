namespace TaskFunctions.SelfHost.Durable;

/// <summary>The loopback port the gRPC sidecar listens on.</summary>
public sealed record SidecarEndpoint(int Port);
