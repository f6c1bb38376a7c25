using System.Net;
using System.Reflection;
using System.Text;
using McpTunnel.Proxy.Configuration;
using McpTunnel.Proxy.Tests.Configuration;
using McpTunnel.Proxy.Tests.Infrastructure;
using Xunit.Abstractions;

namespace McpTunnel.Proxy.Tests.Hosting;

/// <summary>
/// Hostile config files fed to a running proxy as reloads: the <c>config</c> fuzz corpus (tests/fuzz/corpus/config),
/// the inputs the fuzzer once crashed the loader with, and seeded mutations of the running file (each line dropped,
/// every truncation at a line end, random edits). Each must either be applied whole (the running hash is the file's)
/// or refused with every error logged with its field, the running snapshot untouched and still serving; never an
/// exception out of the reload, never half an edit. <c>MCPTUNNEL_RELOAD_FUZZ_DIR</c> adds a directory of inputs (an
/// AFL queue from <c>tests/fuzz/run.sh 60 config</c>, <c>/tmp/mcptunnel-fuzz/findings/config/default/queue</c>).
/// </summary>
public sealed class ConfigReloadFuzzCorpusTests(ITestOutputHelper output)
{
    private const int RandomEdits = 300;

    [Fact]
    public async Task FuzzCorpusAndMutations_AsReloads_AreAppliedWholeOrRefusedWithReasons_AndTheProxyKeepsServing()
    {
        await using var upstream = await TestUpstream.StartAsync();
        await using var proxy = await TestProxy.StartForUpstreamAsync(upstream);
        var baseline = await File.ReadAllBytesAsync(proxy.ConfigPath);
        var client = proxy.CreateClient(http2: true);
        var (applied, refused, restartOnly) = (0, 0, 0);

        foreach (var (name, input) in Inputs(Encoding.UTF8.GetString(baseline)))
        {
            var before = proxy.Server.Running.Current;
            var failedLines = proxy.Logs.Entries.Count(e => e.Message == "config reload failed, keeping the running configuration");
            var errorLines = proxy.Logs.Entries.Count(e => e.Message == "config reload error");
            await File.WriteAllBytesAsync(proxy.ConfigPath, input);

            McpTunnel.Proxy.Hosting.ConfigReloadOutcome outcome;
            try
            {
                outcome = proxy.Server.ReloadConfig("fuzz")!;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{name}: the reload threw {ex}");
                throw;
            }

            if (outcome.Applied)
            {
                applied++;
                Assert.True(ConfigHash.Of(input) == proxy.Server.Running.Current.Source.Hash, $"{name}: applied, but the running hash is not the file's");
                await File.WriteAllBytesAsync(proxy.ConfigPath, baseline);
                Assert.True(proxy.Server.ReloadConfig("fuzz")!.Applied, $"{name}: the good file did not reload after it");
            }
            else
            {
                refused++;
                restartOnly += outcome.Errors.Any(e => e.Fix?.StartsWith("restart the proxy", StringComparison.Ordinal) == true) ? 1 : 0;
                Assert.Same(before, proxy.Server.Running.Current); // nothing of the file was applied
                Assert.NotEmpty(outcome.Errors);
                Assert.All(outcome.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Field) || string.IsNullOrWhiteSpace(e.Message), $"{name}: an error without field or message"));
                Assert.Equal(failedLines + 1, proxy.Logs.Entries.Count(e => e.Message == "config reload failed, keeping the running configuration"));
                Assert.Equal(errorLines + outcome.Errors.Count, proxy.Logs.Entries.Count(e => e.Message == "config reload error"));
            }

            using var response = await client.GetAsync(proxy.UrlFor("echo", "/echo"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: the running route answered {(int)response.StatusCode} after the reload");
        }

        output.WriteLine($"{applied + refused} reloads: {applied} applied, {refused} refused ({restartOnly} naming a restart-only key)");
        Assert.True(applied > 0 && refused > 0, $"applied {applied}, refused {refused}: the inputs did not exercise both outcomes");
    }

    /// <summary>Every input with a name for the failure message.</summary>
    private static IEnumerable<(string Name, byte[] Input)> Inputs(string running)
    {
        var corpus = RepoPaths.Of("tests", "fuzz", "corpus", "config");
        foreach (var file in Directory.GetFiles(corpus).Order(StringComparer.Ordinal))
        {
            yield return ($"corpus {Path.GetFileName(file)}", File.ReadAllBytes(file));
        }

        var crashers = typeof(ProxyConfigLoaderTests).GetMethod(nameof(ProxyConfigLoaderTests.MalformedYamlThatTripsTheParser_FailsAsAConfigError))!
            .GetCustomAttributes<InlineDataAttribute>().SelectMany(a => a.GetData(null!)).Select(d => (string)d[0]);
        foreach (var (yaml, i) in crashers.Select((y, i) => (y, i)))
        {
            yield return ($"loader regression #{i}", Encoding.UTF8.GetBytes(yaml));
        }

        if (Environment.GetEnvironmentVariable("MCPTUNNEL_RELOAD_FUZZ_DIR") is { Length: > 0 } extra)
        {
            foreach (var file in Directory.GetFiles(extra).Order(StringComparer.Ordinal))
            {
                yield return ($"extra {Path.GetFileName(file)}", File.ReadAllBytes(file));
            }
        }

        var lines = running.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            yield return ($"running config without line {i + 1} '{lines[i]}'", Encoding.UTF8.GetBytes(string.Join('\n', lines.Where((_, j) => j != i))));
            yield return ($"running config cut after line {i + 1}", Encoding.UTF8.GetBytes(string.Join('\n', lines.Take(i + 1))));
        }

        const string Alphabet = ":-[]{}#&*!|>'\"\t\n ,?%@`0123456789abcxyz/.\u00e9\u0000";
        var random = new Random(22);
        for (var n = 0; n < RandomEdits; n++)
        {
            var text = new StringBuilder(running);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0:
                        text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at));
                        break;
                    case 1:
                        text.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                        break;
                    default:
                        text[at] = Alphabet[random.Next(Alphabet.Length)];
                        break;
                }
            }

            yield return ($"random edit #{n} (seed 22)", Encoding.UTF8.GetBytes(text.ToString()));
        }
    }
}
