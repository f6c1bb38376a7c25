#!/usr/bin/env node
// McpTunnel's reference server for the MCP conformance suite's server scenarios: revision 2025-11-25 here (v1 SDK,
// sessions), revision 2026-07-28 in conformance-server-modern.mjs (v2 SDK, per request), on one endpoint.
// No published package serves the suite's "everything server" names (server-everything uses its own), so this
// one implements them from the suite's published server requirements, on the official TypeScript SDK the way its
// docs show: createMcpExpressApp() (localhost DNS-rebinding guard), one stateful Streamable HTTP transport per
// session. Written for the tests, in our own words; it is a peer, not product code.
//
// Usage: PORT=NNNN node conformance-server.mjs   (prints "listening on PORT" once it accepts connections)
import { randomUUID } from "node:crypto";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import { completable } from "@modelcontextprotocol/sdk/server/completable.js";
import {
  ElicitResultSchema, CreateMessageResultSchema, SubscribeRequestSchema, UnsubscribeRequestSchema, McpError, ErrorCode,
} from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod/v4";

import { registerContentTools, registerPrompts, registerResources, text, wait } from "./conformance-fixtures.mjs";
import { modernHandler } from "./conformance-server-modern.mjs";
import { listenOnLoopback } from "./serve.mjs";
import { isLegacyRequest } from "@modelcontextprotocol/server";
import { toWebRequest } from "@modelcontextprotocol/node";


// Tools registered without an inputSchema get (extra) only, with an inputSchema (args, extra): the SDK's convention.
function buildServer() {
  const mcp = new McpServer(
    { name: "mcptunnel-conformance-server", version: "1.0.0" },
    { capabilities: { logging: {}, completions: {}, resources: { subscribe: true, listChanged: true }, tools: { listChanged: true }, prompts: { listChanged: true } } },
  );

  registerContentTools(mcp);
  mcp.registerTool("test_tool_with_logging", { description: "Logs three messages while it runs" }, async (extra) => {
    // Sent on the call's own stream, so a client sees them before the result.
    const log = (data) => extra.sendNotification({ method: "notifications/message", params: { level: "info", logger: "conformance", data } });
    await log("Tool execution started");
    await wait(50);
    await log("Tool processing data");
    await wait(50);
    await log("Tool execution completed");
    return text("Logging tool finished.");
  });
  mcp.registerTool("test_tool_with_progress", { description: "Reports progress 0, 50, 100 of 100" }, async (extra) => {
    const token = extra._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (token !== undefined) {
        await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, total: 100 } });
      }
      if (progress < 100) await wait(50);
    }
    return text("Progress tool finished.");
  });
  mcp.registerTool("test_sampling", { description: "Asks the client's LLM", inputSchema: { prompt: z.string() } }, async ({ prompt }, extra) => {
    const result = await extra.sendRequest(
      { method: "sampling/createMessage", params: { messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 100 } },
      CreateMessageResultSchema,
    );
    return text(`LLM response: ${result.content?.type === "text" ? result.content.text : JSON.stringify(result.content)}`);
  });
  mcp.registerTool("test_elicitation", { description: "Asks the user", inputSchema: { message: z.string() } }, async ({ message }, extra) => {
    const result = await extra.sendRequest(
      {
        method: "elicitation/create",
        params: {
          message,
          requestedSchema: {
            type: "object",
            properties: { username: { type: "string", description: "User's response" }, email: { type: "string", description: "User's email address" } },
            required: ["username", "email"],
          },
        },
      },
      ElicitResultSchema,
    );
    return text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });
  mcp.registerTool("test_elicitation_sep1034_defaults", { description: "Elicitation with defaults" }, async (extra) => {
    const result = await extra.sendRequest(
      {
        method: "elicitation/create",
        params: {
          message: "Please confirm the defaults",
          requestedSchema: {
            type: "object",
            properties: {
              name: { type: "string", default: "John Doe" },
              age: { type: "integer", default: 30 },
              score: { type: "number", default: 95.5 },
              status: { type: "string", enum: ["active", "inactive", "pending"], default: "active" },
              verified: { type: "boolean", default: true },
            },
          },
        },
      },
      ElicitResultSchema,
    );
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });
  mcp.registerTool("test_elicitation_sep1330_enums", { description: "Elicitation with every enum form" }, async (extra) => {
    const result = await extra.sendRequest(
      {
        method: "elicitation/create",
        params: {
          message: "Pick options",
          requestedSchema: {
            type: "object",
            properties: {
              untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
              titledSingle: { type: "string", oneOf: [{ const: "value1", title: "First Option" }, { const: "value2", title: "Second Option" }, { const: "value3", title: "Third Option" }] },
              legacyEnum: { type: "string", enum: ["opt1", "opt2", "opt3"], enumNames: ["Option One", "Option Two", "Option Three"] },
              untitledMulti: { type: "array", items: { type: "string", enum: ["option1", "option2", "option3"] } },
              titledMulti: { type: "array", items: { anyOf: [{ const: "value1", title: "First Choice" }, { const: "value2", title: "Second Choice" }, { const: "value3", title: "Third Choice" }] } },
            },
          },
        },
      },
      ElicitResultSchema,
    );
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });

  registerResources(mcp, { ResourceTemplate });
  // Subscriptions are acknowledged; nothing here changes, so no update is ever due.
  const subscribed = new Set();
  mcp.server.setRequestHandler(SubscribeRequestSchema, async (request) => { subscribed.add(request.params.uri); return {}; });
  mcp.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => { subscribed.delete(request.params.uri); return {}; });

  // v1 takes a prompt's arguments as the raw shape.
  registerPrompts(mcp, { completable, argsSchema: (shape) => shape });
  return mcp;
}

const app = createMcpExpressApp();
const transports = new Map();

app.post("/mcp", async (req, res) => {
  // The SDK's own era test: requests that carry the 2026-07-28 envelope (or claim it) go to the modern leg.
  if (!(await isLegacyRequest(await toWebRequest(req, req.body), req.body))) {
    await modernHandler(req, res, req.body);
    return;
  }
  const sessionId = req.headers["mcp-session-id"];
  let transport = sessionId ? transports.get(sessionId) : undefined;
  if (!transport) {
    if (sessionId || req.body?.method !== "initialize") {
      res.status(sessionId ? 404 : 400).json({ jsonrpc: "2.0", error: { code: -32000, message: sessionId ? "Session not found" : "Initialize first" }, id: null });
      return;
    }
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => transports.set(id, transport),
    });
    transport.onclose = () => { if (transport.sessionId) transports.delete(transport.sessionId); };
    await buildServer().connect(transport);
  }
  await transport.handleRequest(req, res, req.body);
});

const sessionRequest = async (req, res) => {
  const transport = transports.get(req.headers["mcp-session-id"]);
  if (!transport) {
    res.status(404).json({ jsonrpc: "2.0", error: { code: -32000, message: "Session not found" }, id: null });
    return;
  }
  await transport.handleRequest(req, res);
};
app.get("/mcp", sessionRequest);
app.delete("/mcp", sessionRequest);

listenOnLoopback(app, Number(process.env.PORT ?? 3000));
