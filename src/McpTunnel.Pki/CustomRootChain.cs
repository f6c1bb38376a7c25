using System.Security.Cryptography.X509Certificates;

namespace McpTunnel.Pki;

/// <summary>
/// Chain building against a chosen set of roots only (the registered tunnel CA, an upstream's ca_file, the
/// Kubernetes API's CA), never the machine's store, with the intermediates the peer presented and no revocation
/// check (private CAs publish no CRLs). The three TLS clients that trust a private CA share it.
/// </summary>
public static class CustomRootChain
{
    /// <summary>Builds the chain of <paramref name="leaf"/>; the caller reads its status and disposes it.</summary>
    /// <param name="presented">The chain the TLS stack built from what the peer sent; its other certificates become intermediates.</param>
    public static X509Chain Build(X509Certificate2 leaf, X509Certificate2Collection roots, X509Chain? presented, out bool valid)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.Equals(leaf))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        valid = chain.Build(leaf);
        return chain;
    }

    /// <summary>True when <paramref name="leaf"/> chains to one of <paramref name="roots"/>.</summary>
    public static bool IsTrusted(X509Certificate2 leaf, X509Certificate2Collection roots, X509Chain? presented = null)
    {
        using var chain = Build(leaf, roots, presented, out var valid);
        return valid;
    }
}
