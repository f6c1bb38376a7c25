using McpTunnel.Pki.Issuing;
using McpTunnel.Setup.Api;
using McpTunnel.Setup.Certificates;
using McpTunnel.Setup.Outputs;

namespace McpTunnel.Setup.Commands;

/// <summary>
/// <c>setup init</c>: idempotently converge the output and the tunnel to a working state.
/// <code>
///  read output ─▶ exchange JWT ─▶ tunnel: flag/env ▸ stored ▸ create ─▶ CA: stored ▸ new
///       ─▶ checkpoint {tunnel-id, domain, CA} ─▶ register CA unless its fingerprint is active
///       ─▶ issue server cert ─▶ reveal, or rotate if --token-version changed ─▶ write outputs
/// </code>
/// Crash safety: everything not idempotent on the API side (creating a tunnel, registering a CA) is
/// preceded or directly followed by a checkpoint write, so a re-run after a failure at any step finds
/// the same tunnel and CA, detects the CA already registered by its fingerprint, and finishes the job:
/// never a second tunnel, never another CA while one is stored.
/// </summary>
internal sealed class InitCommand(InitSettings settings, SetupHost host, SetupLog log)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Step 1: read what earlier runs left.
        using var output = await OutputStores.OpenAsync(settings.Output, host, log, cancellationToken);
        var (store, stored) = (output.Store, output.Stored);
        log.RegisterSecret(settings.Identity.IdentityToken);
        log.Info($"init: output {store.Destination} ({(stored.IsEmpty ? "empty" : "holds " + string.Join(" ", OutputKeys.All.Where(stored.Values.ContainsKey)))})");

        // Step 2: one token exchange for the whole run.
        using var http = ApiHttp.CreateClient(host.HttpTimeout);
        var assertion = await TokenExchangeClient.ReadAssertionAsync(settings.Identity, cancellationToken);
        log.RegisterSecret(assertion);
        var accessToken = await new TokenExchangeClient(http, settings.ApiUrl).ExchangeAsync(settings.Identity, assertion, cancellationToken);
        log.RegisterSecret(accessToken.Value);
        log.Info($"authenticated with federation rule {settings.Identity.FederationRuleId} (scope {accessToken.Scope ?? "not stated"}{(accessToken.ExpiresIn is { } e ? $", expires in {e.TotalSeconds:0} s" : string.Empty)})");
        if (!TokenExchangeClient.HasRequiredScope(accessToken))
        {
            log.Warning($"the access token's scope is \"{accessToken.Scope}\", not {TokenExchangeClient.RequiredScope}: Tunnels API calls will be refused; {ApiFailures.ScopeFix}");
        }

        var tunnels = new TunnelsClient(http, settings.ApiUrl, accessToken);

        // Step 3: the tunnel: --tunnel-id / TUNNEL_ID, else the stored one, else a new one (created below).
        var tunnelChanged = settings.TunnelId is not null && stored.TunnelId is not null && settings.TunnelId != stored.TunnelId;
        if (tunnelChanged)
        {
            log.Info($"tunnel changed from the stored {stored.TunnelId} to {settings.TunnelId}: a new CA will be generated for it");
        }

        Tunnel? tunnel = null;
        if ((settings.TunnelId ?? stored.TunnelId) is { } tunnelId)
        {
            tunnel = await tunnels.GetTunnelAsync(tunnelId, cancellationToken);
            EnsureActive(tunnel, fromStore: settings.TunnelId is null);
            log.Info($"using tunnel {tunnel.Id} (domain {tunnel.Domain})");
        }

        // Step 4: the CA: the stored one, unless the output has none or the tunnel changed (re-runs must not fill the tunnel's two CA slots).
        var now = host.Time.GetUtcNow();
        var newCa = !stored.HasCa || tunnelChanged;
        using var authority = newCa ? SetupCertificates.CreateAuthority(now) : SetupCertificates.LoadAuthority(stored, now);
        log.RegisterSecret(authority.PrivateKeyPem);
        log.Info(newCa
            ? $"generated a new CA (ECDSA P-256, fingerprint {authority.Fingerprint}, valid until {authority.NotAfter:yyyy-MM-dd})"
            : $"reusing the stored CA (fingerprint {authority.Fingerprint}, valid until {authority.NotAfter:yyyy-MM-dd})");
        if (authority.NotAfter - now < settings.CertDuration)
        {
            log.Warning($"the CA expires on {authority.NotAfter:yyyy-MM-dd}, before a new server certificate would: plan a CA rotation");
        }

        var tunnelCreated = tunnel is null;
        if (tunnel is null)
        {
            tunnel = await tunnels.CreateTunnelAsync(settings.Output.TunnelDisplayName, cancellationToken);
            log.Info($"created tunnel {tunnel.Id} (domain {tunnel.Domain})");
        }

        // A new or changed tunnel starts with no stored version: store the given one and reveal, not rotate.
        var storedVersion = tunnelCreated || tunnelChanged ? null : stored.TokenVersion;

        // Step 5: checkpoint before registering, so a failure from here on can always be resumed.
        if (tunnelCreated || newCa || stored.TunnelId != tunnel.Id || stored.TunnelDomain != tunnel.Domain)
        {
            List<KeyValuePair<string, string>> checkpoint =
            [
                new(OutputKeys.TunnelId, tunnel.Id),
                new(OutputKeys.TunnelDomain, tunnel.Domain),
                new(OutputKeys.CaKey, authority.PrivateKeyPem),
                new(OutputKeys.CaCertificate, authority.CertificatePem),
            ];
            if (tunnelCreated || tunnelChanged)
            {
                checkpoint.Add(new(OutputKeys.TokenVersion, settings.TokenVersion ?? string.Empty));
            }

            await store.WriteAsync(checkpoint, cancellationToken);
            log.Info($"saved the tunnel ID and CA to {store.Destination} before registering the CA");
        }

        // Step 6: register the CA unless an active certificate already has its fingerprint.
        await RegisterAuthorityAsync(tunnels, tunnel, authority, cancellationToken);

        // Step 7: the server certificate for *.<domain> and <domain>, with a new key.
        var keyAlgorithm = SetupCertificates.ChooseKeyAlgorithm(settings.KeyType, stored.ServerCertificatePem);
        var server = SetupCertificates.IssueServer(authority, tunnel.Domain, settings.CertDuration, keyAlgorithm, now);
        log.RegisterSecret(server.PrivateKeyPem);
        log.Info($"issued a server certificate for *.{tunnel.Domain} ({SetupCertificates.Describe(keyAlgorithm)}, valid until {server.NotAfter:yyyy-MM-dd HH:mm} UTC)");

        // Step 8: the tunnel token: rotate only when --token-version differs from the stored version.
        var rotate = settings.TokenVersion is not null && storedVersion is not null && settings.TokenVersion != storedVersion;
        var token = rotate
            ? await tunnels.RotateTokenAsync(tunnel.Id, $"setup init: token version {storedVersion} -> {settings.TokenVersion}", cancellationToken)
            : await tunnels.RevealTokenAsync(tunnel.Id, cancellationToken);
        if (string.IsNullOrWhiteSpace(token.Value))
        {
            throw ApiFailures.Malformed(rotate ? ApiOperation.RotateToken : ApiOperation.RevealToken, "no tunnel_token in the response");
        }

        log.RegisterSecret(token.Value);
        log.Info(rotate
            ? $"rotated the tunnel token (token version {storedVersion} -> {settings.TokenVersion}, token {token.Id})"
            : $"revealed the tunnel token (token {token.Id})");

        // Step 9: write everything: key before certificate, token before the version that describes it.
        List<KeyValuePair<string, string>> outputs =
        [
            new(OutputKeys.ServerKey, server.PrivateKeyPem),
            new(OutputKeys.ServerCertificate, server.CertificatePem),
            new(OutputKeys.TunnelToken, token.Value),
        ];
        if ((settings.TokenVersion ?? storedVersion) is { } version)
        {
            outputs.Add(new(OutputKeys.TokenVersion, version));
        }

        outputs.Add(new(OutputKeys.TunnelId, tunnel.Id));
        outputs.Add(new(OutputKeys.TunnelDomain, tunnel.Domain));
        outputs.Add(new(OutputKeys.CaKey, authority.PrivateKeyPem));
        outputs.Add(new(OutputKeys.CaCertificate, authority.CertificatePem));
        var changed = await store.WriteAsync(outputs, cancellationToken);
        log.Info($"wrote {store.Destination}: {(changed.Count == 0 ? "nothing changed" : "updated " + string.Join(" ", changed))}");
        log.Info($"done: tunnel {tunnel.Id} is ready at {tunnel.Domain}");
    }

    private async Task RegisterAuthorityAsync(TunnelsClient tunnels, Tunnel tunnel, CertificateAuthority authority, CancellationToken cancellationToken)
    {
        var certificates = await tunnels.ListCertificatesAsync(tunnel.Id, cancellationToken);
        var active = certificates.Where(c => c.ArchivedAt is null).ToList();
        var registered = active.FirstOrDefault(c => string.Equals(c.Fingerprint, authority.Fingerprint, StringComparison.OrdinalIgnoreCase));
        if (registered is not null)
        {
            log.Info($"the CA is already registered on tunnel {tunnel.Id} (certificate {registered.Id})");
            return;
        }

        var created = await tunnels.RegisterCertificateAsync(tunnel.Id, authority.CertificatePem, cancellationToken);
        if (created.Fingerprint is { } fingerprint && !string.Equals(fingerprint, authority.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            log.Warning($"the API reports fingerprint {fingerprint} for the registered CA, expected {authority.Fingerprint}");
        }

        log.Info($"registered the CA on tunnel {tunnel.Id} (certificate {created.Id}; {active.Count + 1} of 2 slots in use)");
    }

    private void EnsureActive(Tunnel tunnel, bool fromStore)
    {
        if (tunnel.ArchivedAt is null)
        {
            return;
        }

        // Never re-create silently: an archived tunnel's domain is retired for good, and a new tunnel gets another.
        throw new SetupException(
            $"tunnel {tunnel.Id} was archived on {tunnel.ArchivedAt:yyyy-MM-dd}; archiving is irreversible",
            fromStore
                ? $"empty the output {settings.Output} (or pass --tunnel-id of an active tunnel) so setup init creates or attaches to another tunnel"
                : "pass --tunnel-id / TUNNEL_ID of an active tunnel, or leave it unset to create a new tunnel");
    }
}
