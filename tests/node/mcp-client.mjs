#!/usr/bin/env node
// A real third-party MCP client for McpTunnel's tests: the official TypeScript SDK's Client over
// Streamable HTTP. Runs initialize, tools/list and tools/call `hello`, optionally the progress tool,
// then prints ONE JSON line on stdout and exits 0; on any failure prints {"ok":false,...} and exits 1.
//
// Usage: node mcp-client.mjs URL [--name NAME] [--progress] [--steps N] [--delay-ms MS]
//                                [--progress-tool NAME] [--header "Name: value"]... [--timeout-ms MS] [--progress-log]
// --progress-log writes "progress N" to stderr as each progress notification arrives, so a script can act while the
// call is still running (the container checks reload the proxy in the middle of one).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";

function parseArgs(argv) {
  const opts = { url: undefined, name: "tunnel", progress: false, steps: 5, delayMs: 50,
    progressTool: "countdown", headers: {}, timeoutMs: 30000, progressLog: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case "--name": opts.name = next(); break;
      case "--progress": opts.progress = true; break;
      case "--progress-log": opts.progressLog = true; break;
      case "--steps": opts.steps = Number(next()); break;
      case "--delay-ms": opts.delayMs = Number(next()); break;
      case "--progress-tool": opts.progressTool = next(); break;
      case "--timeout-ms": opts.timeoutMs = Number(next()); break;
      case "--header": {
        const h = next();
        const colon = h.indexOf(":");
        if (colon <= 0) throw new Error(`--header must be "Name: value", got ${h}`);
        opts.headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
        break;
      }
      default:
        if (arg.startsWith("--") || opts.url) throw new Error(`unexpected argument ${arg}`);
        opts.url = arg;
    }
  }
  if (!opts.url) throw new Error("usage: node mcp-client.mjs URL [--name NAME] [--progress] [--steps N] [--delay-ms MS] [--header 'Name: value'] [--timeout-ms MS]");
  return opts;
}

function textOf(result) {
  return (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
}

async function run(opts) {
  const transport = new StreamableHTTPClientTransport(new URL(opts.url), { requestInit: { headers: opts.headers } });
  const client = new Client({ name: "mcptunnel-node-client", version: "0.1.0" });
  const out = { ok: false, url: opts.url };
  try {
    await client.connect(transport, { timeout: opts.timeoutMs });
    out.serverInfo = client.getServerVersion();
    out.protocolVersion = transport.protocolVersion ?? null;
    out.sessionId = transport.sessionId ?? null;

    const { tools } = await client.listTools(undefined, { timeout: opts.timeoutMs });
    out.tools = tools.map((t) => t.name);

    const hello = await client.callTool({ name: "hello", arguments: { name: opts.name } }, CallToolResultSchema, { timeout: opts.timeoutMs });
    out.hello = { text: textOf(hello), isError: hello.isError ?? false };

    if (opts.progress) {
      // Progress notifications ride the tools/call response's SSE stream; the SDK sends a progressToken
      // because onprogress is set. `beforeResult` proves they arrived while the call was still running.
      const progress = { count: 0, values: [], beforeResult: 0 };
      let done = false;
      const result = await client.callTool(
        { name: opts.progressTool, arguments: { steps: opts.steps, delayMs: opts.delayMs } },
        CallToolResultSchema,
        {
          timeout: opts.timeoutMs,
          onprogress: (p) => {
            progress.count++;
            progress.values.push(p.progress);
            if (!done) progress.beforeResult++;
            if (opts.progressLog) process.stderr.write(`progress ${p.progress}\n`);
          },
        });
      done = true;
      progress.text = textOf(result);
      progress.isError = result.isError ?? false;
      out.progress = progress;
    }

    out.ok = !out.hello.isError && (!out.progress || !out.progress.isError);
  } finally {
    // Ends the session (DELETE) when the server issued one, then closes the transport.
    try { await transport.terminateSession(); } catch { /* the server may not support DELETE */ }
    await client.close().catch(() => {});
  }
  return out;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(err.message ?? err) }) + "\n");
  process.exit(2);
}

try {
  const out = await run(opts);
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(out.ok ? 0 : 1);
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, url: opts.url, error: String(err?.message ?? err) }) + "\n");
  process.exit(1);
}
