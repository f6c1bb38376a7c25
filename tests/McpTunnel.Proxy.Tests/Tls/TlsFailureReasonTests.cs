using System.Security.Authentication;
using McpTunnel.Proxy.Tls;

namespace McpTunnel.Proxy.Tests.Tls;

/// <summary>After <c>tls handshake failed</c>: OpenSSL's alert texts become the reasons operators look up.</summary>
public sealed class TlsFailureReasonTests
{
    [Theory]
    [InlineData("error:0A000418:SSL routines::tlsv1 alert unknown ca", "unknown certificate authority")]
    [InlineData("error:0A000412:SSL routines::sslv3 alert bad certificate", "bad certificate")]
    [InlineData("error:0A000415:SSL routines::sslv3 alert certificate expired", "certificate expired")]
    [InlineData("error:0A00010B:SSL routines::wrong version number", "client did not speak TLS")]
    [InlineData("error:0A00009C:SSL routines::http request", "client sent plain HTTP, not TLS")]
    public void OpenSslMessage_MapsToOperatorReason(string openSslText, string reason)
    {
        var exception = new AuthenticationException("Authentication failed, see inner exception.", new InvalidOperationException($"SSL Handshake failed with OpenSSL error - SSL_ERROR_SSL.", new InvalidOperationException(openSslText)));

        Assert.Equal(reason, TlsFailureReason.Describe(exception, timedOut: false, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void AlertAfterHandshake_IsRecognised_OtherErrorsAreNot()
    {
        Assert.True(TlsFailureReason.TryDescribeAlert(new IOException("x", new InvalidOperationException("tlsv1 alert unknown ca")), out var reason));
        Assert.Equal("unknown certificate authority", reason);
        Assert.False(TlsFailureReason.TryDescribeAlert(new IOException("Connection reset by peer"), out _));
    }

    [Fact]
    public void Timeout_SaysHowLong() =>
        Assert.Equal("handshake timed out after 1.5s", TlsFailureReason.Describe(new OperationCanceledException(), timedOut: true, TimeSpan.FromSeconds(1.5)));
}
