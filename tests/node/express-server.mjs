#!/usr/bin/env node
// An MCP server written the way the TypeScript SDK's docs and examples show, with nothing changed for the tunnel:
// createMcpExpressApp() with its default options (which guard against DNS rebinding by accepting only the Hosts
// localhost, 127.0.0.1 and [::1]), one stateless Streamable HTTP transport per request, one tool `hello`.
// It is what a new user puts behind the tunnel, so the tests see what that user sees.
//
// Usage: PORT=NNNN node express-server.mjs   (prints "listening on PORT" once it accepts connections)
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import * as z from "zod/v4";

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

app.post("/mcp", async (req, res) => {
  const server = buildServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on("close", () => {
    transport.close();
    server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, "127.0.0.1", (error) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  console.log(`listening on ${port}`);
});
