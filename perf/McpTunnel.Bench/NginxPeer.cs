using System.Diagnostics;

namespace McpTunnel.Bench;

/// <summary>
/// The peer a user would otherwise pick: Debian's nginx terminating TLS with the same certificate and proxying to the
/// same upstream, configured fairly (docs/PERFORMANCE.md "Method"): HTTP/1.1 upstream with keep-alive, <c>Connection ""</c>, no
/// buffering, no access log. Listens on 127.0.0.1 only; runs in the foreground as our child process.
/// </summary>
internal sealed class NginxPeer : IAsyncDisposable
{
    private readonly Process _process;

    private NginxPeer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>CPU time nginx has used so far: the master (our child process) and all its workers.</summary>
    public TimeSpan CpuTime() => ProcessTreeCpu.Of(_process.Id);

    private static readonly string[] Candidates = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"];

    public static string? FindBinary() => Candidates.FirstOrDefault(File.Exists);

    public static async Task<NginxPeer> StartAsync(string binary, string directory, string certFile, string keyFile, int upstreamPort, CancellationToken cancellationToken)
    {
        var port = ProxyHost.FreePort();
        var prefix = Path.Combine(directory, "nginx");
        Directory.CreateDirectory(prefix);
        var config = $$"""
            worker_processes auto;
            daemon off;
            master_process on;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            {{(Environment.UserName == "root" ? "user root;" : "")}}
            events { worker_connections 16384; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                upstream bench_upstream {
                    server 127.0.0.1:{{upstreamPort}};
                    keepalive 128;
                    keepalive_requests 1000000;
                }
                server {
                    listen 127.0.0.1:{{port}} ssl http2;
                    server_name _;
                    ssl_certificate {{certFile}};
                    ssl_certificate_key {{keyFile}};
                    ssl_protocols TLSv1.2 TLSv1.3;
                    keepalive_requests 1000000;
                    keepalive_timeout 120s;
                    location / {
                        proxy_pass http://bench_upstream;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_buffering off;
                        proxy_request_buffering off;
                    }
                }
            }
            """;
        var configFile = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(configFile, config, cancellationToken);
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", prefix, "-c", configFile })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start nginx");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 })
            {
                Console.Error.WriteLine($"  [nginx] {e.Data}");
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var peer = new NginxPeer(process, port);
        try
        {
            await ProxyHost.WaitForPortAsync(port, process, cancellationToken);
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
