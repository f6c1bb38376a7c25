using McpTunnel.Pki.Issuing;

namespace McpTunnel.Pki.Tests.Issuing;

public class KeyAlgorithmsTests
{
    [Theory]
    [InlineData("ecdsa-p256", KeyAlgorithm.EcdsaP256)]
    [InlineData("rsa2048", KeyAlgorithm.Rsa2048)]
    [InlineData("rsa4096", KeyAlgorithm.Rsa4096)]
    [InlineData(" RSA4096 ", KeyAlgorithm.Rsa4096)]
    internal void TryParse_KnownFlag_ReturnsAlgorithm(string text, KeyAlgorithm expected)
    {
        Assert.True(KeyAlgorithms.TryParse(text, out var algorithm));
        Assert.Equal(expected, algorithm);
    }

    [Theory]
    [InlineData("")]
    [InlineData("rsa1024")]
    [InlineData("ecdsa")]
    [InlineData("ed25519")]
    public void TryParse_UnknownFlag_ReturnsFalse(string text) => Assert.False(KeyAlgorithms.TryParse(text, out _));

    [Fact]
    public void ToFlag_EveryAlgorithm_RoundTripsThroughTryParse()
    {
        foreach (var algorithm in Enum.GetValues<KeyAlgorithm>())
        {
            var flag = KeyAlgorithms.ToFlag(algorithm);
            Assert.Contains(flag, KeyAlgorithms.Flags);
            Assert.True(KeyAlgorithms.TryParse(flag, out var parsed));
            Assert.Equal(algorithm, parsed);
        }
    }
}
