#!/usr/bin/env node
// A client on the TypeScript SDK v2 (@modelcontextprotocol/client 2.4.0) pinned to protocol revision 2026-07-28:
// server/discover, tools/list, tools/call hello. Prints ONE JSON line on stdout; exit 0 when every call succeeded.
//
// Usage: node v2-client.mjs URL
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const url = process.argv[2];
try {
  const client = new Client({ name: "mcptunnel-v2-client", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const tools = await client.listTools();
  const hello = await client.callTool({ name: "hello", arguments: { name: "tunnel" } });
  console.log(JSON.stringify({
    ok: true,
    protocolVersion: client.getNegotiatedProtocolVersion(),
    era: client.getProtocolEra(),
    tools: tools.tools.map((t) => t.name),
    hello: hello.content.filter((c) => c.type === "text").map((c) => c.text).join(""),
  }));
  await client.close();
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error) }));
  process.exitCode = 1;
}
