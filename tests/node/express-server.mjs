#!/usr/bin/env node
// An MCP server written the way the TypeScript SDK's docs and examples show, with nothing changed for the tunnel:
// createMcpExpressApp() with its default options (which guard against DNS rebinding by accepting only the Hosts
// localhost, 127.0.0.1 and [::1]), one stateless Streamable HTTP transport per request, one tool `hello`.
// It is what a new user puts behind the tunnel, so the tests see what that user sees.
//
// Usage: PORT=NNNN node express-server.mjs   (prints "listening on PORT" once it accepts connections)
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import * as z from "zod/v4";
import { listenOnLoopback, statelessMcp } from "./serve.mjs";

function buildServer() {
  const server = new McpServer({ name: "express-docs-server", version: "1.0.0" });
  server.registerTool(
    "hello",
    { description: "Greets someone", inputSchema: { name: z.string() } },
    async ({ name }) => ({ content: [{ type: "text", text: `Hello, ${name}!` }] }),
  );
  return server;
}

const app = createMcpExpressApp();

app.post("/mcp", statelessMcp(buildServer));

listenOnLoopback(app, Number(process.env.PORT ?? 3000));
