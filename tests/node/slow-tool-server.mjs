#!/usr/bin/env node
// An MCP server whose tool answers late, for the long-call tests: the official TypeScript SDK, stateless, one tool
// `wait` that returns after `seconds`. POST /mcp answers in JSON-response mode (enableJsonResponse: true, as FastMCP's
// json_response=True and the C# SDK's stateless mode do): not one byte reaches the client before the result. POST /sse
// answers the same call on an SSE response (the SDK writes a keep-alive comment every 15 s); POST /silent-sse turns
// that keep-alive off, so the open stream carries nothing until the result. The Host check is the app's
// allowedHosts option (the tunnel's public name arrives as Host), so the tests need no host_header.
//
// Usage: PORT=NNNN [ALLOWED_HOSTS=a,b] node slow-tool-server.mjs   (prints "listening on PORT")
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import * as z from "zod/v4";
import { listenOnLoopback, statelessMcp } from "./serve.mjs";

function buildServer() {
  const server = new McpServer({ name: "slow-tool-server", version: "1.0.0" });
  server.registerTool(
    "wait",
    { description: "Answers after the given number of seconds", inputSchema: { seconds: z.number() } },
    async ({ seconds }) => {
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      return { content: [{ type: "text", text: `waited ${((Date.now() - started) / 1000).toFixed(1)} s` }] };
    },
  );
  return server;
}

const allowedHosts = (process.env.ALLOWED_HOSTS ?? "").split(",").filter((h) => h.length > 0);
const app = createMcpExpressApp({ host: "127.0.0.1", allowedHosts: ["127.0.0.1", "localhost", ...allowedHosts] });

const modes = [
  ["/mcp", { enableJsonResponse: true }],
  ["/sse", { enableJsonResponse: false }],
  ["/silent-sse", { enableJsonResponse: false, keepAliveMs: 0 }],
];
for (const [path, options] of modes) {
  app.post(path, statelessMcp(buildServer, options));
  // Stateless: no stream for server-initiated messages and no session to end, as the SDK's stateless example answers.
  app.get(path, (req, res) => res.status(405).set("Allow", "POST").end());
  app.delete(path, (req, res) => res.status(405).set("Allow", "POST").end());
}

listenOnLoopback(app, Number(process.env.PORT ?? 3000));
