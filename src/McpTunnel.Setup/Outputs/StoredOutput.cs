namespace McpTunnel.Setup.Outputs;

/// <summary>What a previous run left in the output: the state a re-run converges from, so it reuses the tunnel and CA.</summary>
internal sealed class StoredOutput(IReadOnlyDictionary<string, string> values)
{
    public static StoredOutput Empty { get; } = new(new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Values { get; } = values;

    public bool IsEmpty => !OutputKeys.All.Any(Values.ContainsKey);

    public string? TunnelId => Scalar(OutputKeys.TunnelId);

    public string? TunnelDomain => Scalar(OutputKeys.TunnelDomain);

    public string? TokenVersion => Scalar(OutputKeys.TokenVersion);

    public string? TunnelToken => Scalar(OutputKeys.TunnelToken);

    public string? CaCertificatePem => Pem(OutputKeys.CaCertificate);

    public string? CaKeyPem => Pem(OutputKeys.CaKey);

    public string? ServerCertificatePem => Pem(OutputKeys.ServerCertificate);

    public string? ServerKeyPem => Pem(OutputKeys.ServerKey);

    public bool HasCa => CaCertificatePem is not null && CaKeyPem is not null;

    /// <summary>Never lists values: several are secrets.</summary>
    public override string ToString() => $"stored output with {string.Join(", ", Values.Keys.Order(StringComparer.Ordinal))}";

    private string? Scalar(string key) =>
        Values.TryGetValue(key, out var value) && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    private string? Pem(string key) =>
        Values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
