namespace McpTunnel.Setup;

/// <summary>
/// An expected failure with a message for the operator and, when we know it, the fix. Usage errors
/// (how setup was invoked: flags, environment) exit 2; everything else exits 1 (the docs only ask for non-zero).
/// Messages never contain a token, JWT or key.
/// </summary>
internal sealed class SetupException : Exception
{
    public SetupException(string message, string? fix = null, bool isUsageError = false, Exception? innerException = null)
        : base(message, innerException)
    {
        Fix = fix;
        IsUsageError = isUsageError;
    }

    public SetupException()
    {
    }

    public SetupException(string message)
        : base(message)
    {
    }

    public SetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? Fix { get; }

    public bool IsUsageError { get; }

    public int ExitCode => IsUsageError ? ExitCodes.Usage : ExitCodes.Failure;

    public static SetupException Usage(string message, string? fix = null) => new(message, fix, isUsageError: true);
}
