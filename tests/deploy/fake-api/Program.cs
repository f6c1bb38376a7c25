using McpTunnel.Setup.Tests.Fakes;

// fake-api [PORT]: serves the fake token endpoint and Tunnels API on 127.0.0.1:PORT (default 8090) until
// SIGTERM/SIGINT. setup reaches it over loopback by sharing this container's network namespace, which
// is why plain http is accepted (setup allows http only for a loopback API URL).
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8090;
await using var api = await FakeAnthropicApi.StartAsync(port);
Console.WriteLine($"fake-api listening on {api.BaseUrl} (federation rule {FakeAnthropicApi.FederationRuleId}, organization {FakeAnthropicApi.OrganizationId})");

using var stop = new CancellationTokenSource();
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

foreach (var t in api.Tunnels)
{
    Console.WriteLine($"fake-api: tunnel {t.Id} domain {t.Domain}");
}
