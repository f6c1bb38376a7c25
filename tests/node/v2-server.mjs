#!/usr/bin/env node
// An MCP server on the TypeScript SDK v2 (@modelcontextprotocol/server 2.4.0), serving protocol revision 2026-07-28
// with the SDK's createMcpHandler on plain node:http, as its docs show. For the tunnel tests it also keeps, per
// POST, the routing headers 2026-07-28 adds (Mcp-Method, Mcp-Name, MCP-Protocol-Version) exactly as they arrived,
// so a test can compare what reached it directly and through the tunnel: GET /seen returns them and starts over.
//
// Usage: PORT=NNNN node v2-server.mjs   (prints "listening on PORT" once it accepts connections)
import { createServer } from "node:http";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { McpServer, createMcpHandler } from "@modelcontextprotocol/server";
import * as z from "zod/v4";

const handler = toNodeHandler(createMcpHandler(() => {
  const server = new McpServer({ name: "v2-server", version: "1.0.0" });
  server.registerTool(
    "hello",
    { description: "Greets someone", inputSchema: z.object({ name: z.string() }) },
    async ({ name }) => ({ content: [{ type: "text", text: `Hello, ${name}!` }] }),
  );
  server.registerTool(
    "goodbye",
    { description: "Says goodbye (the tool the policy tests deny)", inputSchema: z.object({ name: z.string() }) },
    async ({ name }) => ({ content: [{ type: "text", text: `Goodbye, ${name}!` }] }),
  );
  return server;
}));

let seen = [];
createServer(async (req, res) => {
  if (req.method === "GET" && req.url === "/seen") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(seen));
    seen = [];
    return;
  }
  if (req.method === "POST") {
    seen.push({
      mcpMethod: req.headers["mcp-method"] ?? null,
      mcpName: req.headers["mcp-name"] ?? null,
      protocolVersion: req.headers["mcp-protocol-version"] ?? null,
    });
  }
  await handler(req, res);
}).listen(Number(process.env.PORT ?? 3000), "127.0.0.1", function () {
  console.log(`listening on ${this.address().port}`);
});
