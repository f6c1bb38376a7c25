// The 2026-07-28 leg of conformance-server.mjs, on the TypeScript SDK v2 (@modelcontextprotocol/server): the same
// names, served per request by createMcpHandler (strict: 2025-era traffic stays on the v1 sessionful leg). What the
// 2026-07-28 revision moved to multi-round-trip results (sampling, elicitation, roots) is not implemented here.
import { toNodeHandler } from "@modelcontextprotocol/node";
import { McpServer, ResourceTemplate, completable, createMcpHandler } from "@modelcontextprotocol/server";
import * as z from "zod/v4";
import { PNG, WAV } from "./conformance-media.mjs";

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value) => ({ content: [{ type: "text", text: value }] });

function buildServer() {
  const mcp = new McpServer(
    { name: "mcptunnel-conformance-server", version: "1.0.0" },
    { capabilities: { completions: {}, resources: {}, tools: {}, prompts: {} } },
  );
  mcp.registerTool("test_simple_text", { description: "Returns simple text" }, async () => text("This is a simple text response for testing."));
  mcp.registerTool("test_image_content", { description: "Returns an image" }, async () => ({ content: [{ type: "image", data: PNG, mimeType: "image/png" }] }));
  mcp.registerTool("test_audio_content", { description: "Returns audio" }, async () => ({ content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] }));
  mcp.registerTool("test_embedded_resource", { description: "Returns an embedded resource" }, async () => ({
    content: [{ type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain", text: "This is an embedded resource content." } }],
  }));
  mcp.registerTool("test_multiple_content_types", { description: "Returns text, an image and a resource" }, async () => ({
    content: [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: PNG, mimeType: "image/png" },
      { type: "resource", resource: { uri: "test://mixed-content-resource", mimeType: "application/json", text: JSON.stringify({ test: "data", value: 123 }) } },
    ],
  }));
  mcp.registerTool("test_tool_with_progress", { description: "Reports progress 0, 50, 100 of 100" }, async (ctx) => {
    const token = ctx.mcpReq._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (token !== undefined) {
        await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken: token, progress, total: 100 } });
      }
      if (progress < 100) await wait(50);
    }
    return text("Progress tool finished.");
  });
  mcp.registerTool("test_error_handling", { description: "Always fails" }, async () => {
    throw new Error("This tool intentionally returns an error for testing");
  });

  mcp.registerResource("Static Text Resource", "test://static-text", { description: "A static text resource for testing", mimeType: "text/plain" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "text/plain", text: "This is the content of the static text resource." }],
  }));
  mcp.registerResource("Static Binary Resource", "test://static-binary", { description: "A static binary resource (image) for testing", mimeType: "image/png" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "image/png", blob: PNG }],
  }));
  mcp.registerResource("Watched Resource", "test://watched-resource", { description: "A resource that can be subscribed to", mimeType: "text/plain" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "text/plain", text: "Watched resource content" }],
  }));
  mcp.registerResource(
    "Resource Template",
    new ResourceTemplate("test://template/{id}/data", { list: undefined }),
    { description: "A resource template with parameter substitution", mimeType: "application/json" },
    async (uri, { id }) => ({ contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }] }),
  );

  mcp.registerPrompt("test_simple_prompt", { description: "A simple prompt" }, async () => ({
    messages: [{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }],
  }));
  mcp.registerPrompt(
    "test_prompt_with_arguments",
    {
      description: "A prompt with required arguments",
      argsSchema: z.object({
        arg1: completable(z.string().describe("First test argument"), (value) => ["paris", "park", "party"].filter((v) => v.startsWith(value))),
        arg2: z.string().describe("Second test argument"),
      }),
    },
    async ({ arg1, arg2 }) => ({ messages: [{ role: "user", content: { type: "text", text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }] }),
  );
  mcp.registerPrompt("test_prompt_with_embedded_resource", { description: "A prompt with an embedded resource", argsSchema: z.object({ resourceUri: z.string() }) }, async ({ resourceUri }) => ({
    messages: [
      { role: "user", content: { type: "resource", resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." } } },
      { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
    ],
  }));
  mcp.registerPrompt("test_prompt_with_image", { description: "A prompt with an image" }, async () => ({
    messages: [
      { role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ],
  }));
  return mcp;
}

/** A Node (req, res, parsedBody) handler for 2026-07-28 requests. */
export const modernHandler = toNodeHandler(createMcpHandler(buildServer, { legacy: "reject" }));
