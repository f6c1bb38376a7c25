// What both legs of the conformance server (conformance-server.mjs on the v1 SDK, conformance-server-modern.mjs on
// the v2 SDK) serve the same way: the content tools, the resources and the prompts the suite names. The two SDKs
// share registerTool/registerResource/registerPrompt, but each brings its own ResourceTemplate and completable, and
// v2 wants a prompt's arguments as a zod object where v1 takes the raw shape: the caller passes those in.
import * as z from "zod/v4";
import { PNG, WAV } from "./conformance-media.mjs";

export const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const text = (value) => ({ content: [{ type: "text", text: value }] });

/** The tools whose answer is fixed content, and the one that always fails. */
export function registerContentTools(mcp) {
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
  mcp.registerTool("test_error_handling", { description: "Always fails" }, async () => {
    throw new Error("This tool intentionally returns an error for testing");
  });
}

/** The static, binary, watched and templated resources. */
export function registerResources(mcp, { ResourceTemplate }) {
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
}

/** The four prompts; <argsSchema> turns a raw zod shape into what this SDK's registerPrompt takes. */
export function registerPrompts(mcp, { completable, argsSchema }) {
  mcp.registerPrompt("test_simple_prompt", { description: "A simple prompt" }, async () => ({
    messages: [{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }],
  }));
  mcp.registerPrompt(
    "test_prompt_with_arguments",
    {
      description: "A prompt with required arguments",
      argsSchema: argsSchema({
        arg1: completable(z.string().describe("First test argument"), (value) => ["paris", "park", "party"].filter((v) => v.startsWith(value))),
        arg2: z.string().describe("Second test argument"),
      }),
    },
    async ({ arg1, arg2 }) => ({ messages: [{ role: "user", content: { type: "text", text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }] }),
  );
  mcp.registerPrompt("test_prompt_with_embedded_resource", { description: "A prompt with an embedded resource", argsSchema: argsSchema({ resourceUri: z.string() }) }, async ({ resourceUri }) => ({
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
}
