namespace McpTunnel.Proxy.Configuration;

/// <summary>One problem found while loading the configuration: the field, what is wrong, and how to fix it.</summary>
internal sealed record ConfigError(string Field, string Message, string? Fix = null)
{
    public override string ToString() =>
        Fix is null ? $"{Field}: {Message}" : $"{Field}: {Message} ({Fix})";
}
