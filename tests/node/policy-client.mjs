#!/usr/bin/env node
// A client on either TypeScript SDK that shows what a route's MCP policy does to it: lists the tools, calls one the
// policy allows and one it denies, and prints ONE JSON line: the listed names, the allowed call's text, and how the
// denied call came back (a tool result with isError, or a thrown error). Exit 0 unless the client itself failed.
//
// Usage: node policy-client.mjs URL --sdk v1|v2 --allowed TOOL --denied TOOL
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client as V2Client, StreamableHTTPClientTransport as V2Transport } from "@modelcontextprotocol/client";

const args = process.argv.slice(2);
const url = args[0];
const option = (name) => {
  const at = args.indexOf(name);
  if (at < 0 || at + 1 >= args.length) throw new Error(`usage: node policy-client.mjs URL --sdk v1|v2 --allowed TOOL --denied TOOL (missing ${name})`);
  return args[at + 1];
};
const textOf = (result) => (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");

try {
  const sdk = option("--sdk");
  const client = sdk === "v2"
    ? new V2Client({ name: "mcptunnel-policy-client", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } })
    : new V1Client({ name: "mcptunnel-policy-client", version: "1.0.0" });
  await client.connect(sdk === "v2" ? new V2Transport(new URL(url)) : new V1Transport(new URL(url)));
  const tools = await client.listTools();
  const allowed = await client.callTool({ name: option("--allowed"), arguments: { name: "tunnel" } });
  let denied;
  try {
    const result = await client.callTool({ name: option("--denied"), arguments: { name: "tunnel" } });
    denied = { isError: result.isError === true, text: textOf(result) };
  } catch (error) {
    denied = { thrown: true, text: String(error?.message ?? error) };
  }
  console.log(JSON.stringify({
    ok: true,
    protocolVersion: sdk === "v2" ? client.getNegotiatedProtocolVersion() : null,
    tools: tools.tools.map((t) => t.name),
    allowed: textOf(allowed),
    denied,
  }));
  await client.close();
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error) }));
  process.exitCode = 1;
}
