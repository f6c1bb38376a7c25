namespace McpTunnel.Setup.Tests.Fakes;

/// <summary>One request a fake received, for assertions on what the client sent.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, int Status);
