using System.Collections.Concurrent;
using McpTunnel.Proxy.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace McpTunnel.Proxy.Tests.Credentials;

/// <summary>
/// Rotating an upstream credential while requests run: the file replaced by a rename and by a Kubernetes Secret's
/// <c>..data</c> symlink swap, under concurrent load over HTTP/1.1 and h2. No request fails, each carries the old value
/// or the new one (never empty, never a mix), and every request sent after the re-read carries the new one. A file
/// that breaks keeps the last good value, with one warning and one count per broken state, and never the value in a log.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CredentialRotationTests : IDisposable
{
    private const string WithAdmin = "admin_addr: \"127.0.0.1:0\"\n";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Token(int generation) => $"rot-{generation}-{Guid.NewGuid():N}";

    /// <summary>A Secret volume as the kubelet writes it: <c>token</c> → <c>..data/token</c>, <c>..data</c> → a timestamped directory.</summary>
    private sealed class SecretVolume(string root)
    {
        private int _generation;

        public string TokenPath => Path.Combine(root, "token");

        public void Write(string value)
        {
            var version = $"..2026_12_07_{_generation++:D4}";
            Directory.CreateDirectory(Path.Combine(root, version));
            File.WriteAllText(Path.Combine(root, version, "token"), value + "\n");
            var staged = Path.Combine(root, "..data_tmp");
            File.CreateSymbolicLink(staged, version);
            // rename(2) over the old link, as the kubelet does: the atomic swap. (File.Move refuses a link to a directory.)
            if (Rename(staged, Path.Combine(root, "..data")) != 0)
            {
                throw new IOException($"rename failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
            }
            if (!File.Exists(TokenPath))
            {
                File.CreateSymbolicLink(TokenPath, Path.Combine("..data", "token"));
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string from, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string to);

    private static void ReplaceByRename(string path, string value)
    {
        var staged = path + ".tmp";
        File.WriteAllText(staged, value + "\n");
        File.SetUnixFileMode(staged, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(staged, path, overwrite: true);
    }

    [Theory]
    [InlineData("rename")]
    [InlineData("kubernetes-symlink")]
    public async Task RotationUnderLoad_NoRequestFails_EachCarriesOldOrNew_NewOnceReRead(string swap)
    {
        await using var upstream = await TestUpstream.StartAsync();
        var volume = new SecretVolume(_dir.Combine("secret"));
        Directory.CreateDirectory(_dir.Combine("secret"));
        var path = swap == "rename" ? _dir.File("token") : volume.TokenPath;
        var tokens = new List<string> { Token(0) };
        Write(tokens[0]);
        await using var proxy = await TestProxy.StartAsync(
            $"tickets: http://127.0.0.1:{upstream.Port}",
            $"upstream:\n  allowed_ips: [127.0.0.0/8]\n  credentials:\n    tickets:\n      value_file: {path}\n      prefix: \"Bearer \"\n");
        var clients = new[] { proxy.CreateClient(http2: false), proxy.CreateClient(http2: true) };

        // What each request carried, and the newest generation re-read before it was sent.
        var seen = new ConcurrentBag<(int ReadBefore, string Sent, int Status)>();
        using var progress = new SemaphoreSlim(0);
        var current = 0;
        using var stop = new CancellationTokenSource();
        const int Workers = 8;
        var workers = Enumerable.Range(0, Workers).Select(i => Task.Run(async () =>
        {
            var client = clients[i % 2];
            while (!stop.IsCancellationRequested)
            {
                var readBefore = Volatile.Read(ref current);
                using var response = await client.GetAsync(proxy.UrlFor("tickets", "/echo"));
                var headers = EchoResponse.Parse(await response.Content.ReadAsStringAsync()).Headers;
                seen.Add((readBefore, headers.GetValueOrDefault("authorization") ?? "", (int)response.StatusCode));
                progress.Release();
            }
        })).ToArray();

        // Each generation is sent by at least 40 requests that were sent after it was re-read.
        const int Rotations = 5;
        for (var generation = 1; generation <= Rotations; generation++)
        {
            await WaitForCountAsync(seen, progress, s => s.ReadBefore == generation - 1, 40);
            tokens.Add(Token(generation));
            Write(tokens[generation]);
            Assert.Equal(1, proxy.Server.Credentials.Poll());
            Volatile.Write(ref current, generation);
        }

        await WaitForCountAsync(seen, progress, s => s.ReadBefore == Rotations, 40);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.All(seen, s => Assert.Equal(200, s.Status));
        Assert.All(seen, s =>
        {
            // Sent after generation g was re-read: carries g, or a later one re-read while it was on its way.
            var carried = tokens.FindIndex(t => s.Sent == "Bearer " + t);
            Assert.True(carried >= s.ReadBefore, $"a request sent after generation {s.ReadBefore} was read carried \"{(carried < 0 ? s.Sent : carried)}\"");
        });
        Assert.Equal(Enumerable.Range(0, Rotations + 1), seen.Select(s => tokens.FindIndex(t => s.Sent == "Bearer " + t)).Distinct().Order());
        Assert.Equal(Rotations, proxy.Logs.Entries.Count(e => e.Message == "upstream credential reloaded"));
        Assert.DoesNotContain(proxy.Logs.Entries, e => tokens.Any(t => e.ToString().Contains(t, StringComparison.Ordinal)));

        void Write(string value)
        {
            if (swap == "rename")
            {
                ReplaceByRename(path, value);
            }
            else
            {
                volume.Write(value);
            }
        }
    }

    [Fact]
    public async Task FileBreaks_LastGoodValueKept_OneWarningAndOneCountPerBrokenState_ThenANewValueIsTaken()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var path = _dir.File("token");
        var first = Token(0);
        ReplaceByRename(path, first);
        await using var proxy = await TestProxy.StartAsync(
            $"tickets: http://127.0.0.1:{upstream.Port}",
            WithAdmin + $"upstream:\n  allowed_ips: [127.0.0.0/8]\n  credentials:\n    tickets:\n      value_file: {path}\n      header: X-API-Key\n");
        var client = proxy.CreateClient();
        var metrics = await AdminScrape.MetricsAsync(proxy);
        Assert.Equal(0, AdminScrape.Value(metrics, "mcptunnel_upstream_credential_reloads_total{route=\"tickets\",result=\"failure\"}"));

        File.Delete(path);
        Assert.Equal(0, proxy.Server.Credentials.Poll());
        Assert.Equal(0, proxy.Server.Credentials.Poll()); // the same broken state: not reported again
        Assert.Equal(first, await SentAsync(client, proxy));

        await File.WriteAllTextAsync(path, "\n");
        Assert.Equal(0, proxy.Server.Credentials.Poll());
        Assert.Equal(first, await SentAsync(client, proxy));

        var warnings = proxy.Logs.Entries.Where(e => e.Message == "upstream credential reload failed, keeping the previous value").ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.All(warnings, w => Assert.Equal("tickets", w.Fields["route"]));
        Assert.All(warnings, w => Assert.Equal(path, w.Fields["value_file"]));
        Assert.Equal($"open {path}: no such file or directory", warnings[0].Fields["error"]);
        Assert.Equal($"{path} is empty", warnings[1].Fields["error"]);
        Assert.Contains("write the token", warnings[1].Fields["fix"], StringComparison.Ordinal);
        metrics = await AdminScrape.MetricsAsync(proxy);
        Assert.Equal(2, AdminScrape.Value(metrics, "mcptunnel_upstream_credential_reloads_total{route=\"tickets\",result=\"failure\"}"));

        var second = Token(1);
        ReplaceByRename(path, second);
        Assert.Equal(1, proxy.Server.Credentials.Poll());

        Assert.Equal(second, await SentAsync(client, proxy));
        var reloaded = Assert.Single(proxy.Logs.Entries, e => e.Message == "upstream credential reloaded");
        Assert.Equal(second.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), reloaded.Fields["bytes"]);
        metrics = await AdminScrape.MetricsAsync(proxy);
        Assert.Equal(1, AdminScrape.Value(metrics, "mcptunnel_upstream_credential_reloads_total{route=\"tickets\",result=\"success\"}"));
        Assert.DoesNotContain(first, metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(second, metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(proxy.Logs.Entries, e => e.ToString().Contains(first, StringComparison.Ordinal) || e.ToString().Contains(second, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReRead_RunsEveryFiveSeconds_OnTheProxysClock()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var path = _dir.File("token");
        ReplaceByRename(path, "first");
        await using var proxy = await TestProxy.StartAsync(
            $"tickets: http://127.0.0.1:{upstream.Port}",
            $"upstream:\n  allowed_ips: [127.0.0.0/8]\n  credentials:\n    tickets:\n      value_file: {path}\n      header: X-API-Key\n",
            time: time);
        var client = proxy.CreateClient();
        ReplaceByRename(path, "second");

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("first", await SentAsync(client, proxy));
        time.Advance(TimeSpan.FromSeconds(1));
        await proxy.Logs.WaitForMessageAsync("upstream credential reloaded");

        Assert.Equal("second", await SentAsync(client, proxy));
    }

    private static async Task<string?> SentAsync(HttpClient client, TestProxy proxy)
    {
        using var response = await client.GetAsync(proxy.UrlFor("tickets", "/echo"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return EchoResponse.Parse(await response.Content.ReadAsStringAsync()).Headers.GetValueOrDefault("x-api-key");
    }

    /// <summary>Waits (bounded) until the workers have finished <paramref name="count"/> requests matching <paramref name="which"/>; each finished one releases <paramref name="progress"/>.</summary>
    private static async Task WaitForCountAsync(ConcurrentBag<(int ReadBefore, string Sent, int Status)> seen, SemaphoreSlim progress, Func<(int ReadBefore, string Sent, int Status), bool> which, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (seen.Count(which) < count)
        {
            await progress.WaitAsync(timeout.Token);
        }
    }
}
