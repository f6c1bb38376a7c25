namespace McpTunnel.Setup.Tests.Fakes;

/// <summary>A failure the fake answers in the API's standard error shape (type, error.type, error.message, request_id).</summary>
public sealed class FakeApiException(int status, string type, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public static FakeApiException Invalid(string message) => new(400, "invalid_request_error", message);

    public static FakeApiException Unauthenticated(string message = "Authentication failed") => new(401, "authentication_error", message);

    public static FakeApiException Forbidden(string message) => new(403, "permission_error", message);

    public static FakeApiException NotFound(string message) => new(404, "not_found_error", message);

    public static FakeApiException Conflict(string message) => new(409, "conflict_error", message);
}
