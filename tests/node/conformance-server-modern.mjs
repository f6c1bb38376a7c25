// The 2026-07-28 leg of conformance-server.mjs, on the TypeScript SDK v2 (@modelcontextprotocol/server): the same
// names, served per request by createMcpHandler (strict: 2025-era traffic stays on the v1 sessionful leg). What the
// 2026-07-28 revision moved to multi-round-trip results (sampling, elicitation, roots) is asked for by returning an
// input_required result and finished when the client calls again with the answers (SEP-2322).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { McpServer, MissingRequiredClientCapabilityError, ResourceTemplate, completable, createMcpHandler } from "@modelcontextprotocol/server";
import * as z from "zod/v4";
import { registerContentTools, registerPrompts, registerResources, text, wait } from "./conformance-fixtures.mjs";


// requestState travels through the client, so it is signed; the SDK runs verify before any handler (the
// requestState.verify server option) and answers -32602 to a state the server did not mint.
const stateKey = randomBytes(32);
const sign = (payload) => {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${createHmac("sha256", stateKey).update(body).digest("base64url")}`;
};
const verify = (state) => {
  const [body, mac] = String(state ?? "").split(".");
  const expected = createHmac("sha256", stateKey).update(body ?? "").digest();
  const given = Buffer.from(mac ?? "", "base64url");
  if (!body || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Error("requestState failed its integrity check");
  }
  return JSON.parse(Buffer.from(body, "base64url").toString());
};

const ask = (message, property) => ({
  method: "elicitation/create",
  params: { message, requestedSchema: { type: "object", properties: { [property]: { type: "string" } }, required: [property] } },
});
const sample = (textValue, maxTokens) => ({
  method: "sampling/createMessage",
  params: { messages: [{ role: "user", content: { type: "text", text: textValue } }], maxTokens },
});
const roots = { method: "roots/list", params: {} };
const needs = (inputRequests, requestState) => ({ resultType: "input_required", inputRequests, ...(requestState ? { requestState } : {}) });
const answer = (response) => response?.content ?? response?.result?.content ?? response ?? {};

function registerMultiRoundTrip(mcp) {
  mcp.registerTool("test_input_required_result_elicitation", { description: "Asks the user's name, then greets" }, async (ctx) => {
    const response = ctx.mcpReq.inputResponses?.user_name;
    if (!response) return needs({ user_name: ask("What is your name?", "name") });
    return text(`Hello, ${answer(response).name ?? "someone"}!`);
  });
  mcp.registerTool("test_input_required_result_sampling", { description: "Asks the client's LLM" }, async (ctx) => {
    const response = ctx.mcpReq.inputResponses?.capital_question;
    if (!response) return needs({ capital_question: sample("What is the capital of France?", 100) });
    const content = response.content ?? response.result?.content;
    return text(`LLM response: ${content?.text ?? JSON.stringify(content)}`);
  });
  mcp.registerTool("test_input_required_result_list_roots", { description: "Asks for the client's roots" }, async (ctx) => {
    const response = ctx.mcpReq.inputResponses?.client_roots;
    if (!response) return needs({ client_roots: roots });
    const list = response.roots ?? response.result?.roots ?? [];
    return text(`Client roots: ${list.map((r) => r.uri).join(", ")}`);
  });
  mcp.registerTool("test_input_required_result_request_state", { description: "Round-trips signed state" }, async (ctx) => {
    const response = ctx.mcpReq.inputResponses?.confirm;
    if (!response) {
      return needs({ confirm: { method: "elicitation/create", params: { message: "Please confirm", requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] } } } }, sign({ round: 1 }));
    }
    const state = ctx.mcpReq.requestState();
    return text(`state-ok: round ${state.round} confirmed`);
  });
  mcp.registerTool("test_input_required_result_multi_round", { description: "Two questions, one per round" }, async (ctx) => {
    const responses = ctx.mcpReq.inputResponses ?? {};
    if (responses.step2) {
      const state = ctx.mcpReq.requestState();
      return text(`Thanks ${state.name}, your favorite color is ${answer(responses.step2).color}.`);
    }
    if (responses.step1) {
      return needs({ step2: ask("Step 2: What is your favorite color?", "color") }, sign({ round: 2, name: answer(responses.step1).name }));
    }
    return needs({ step1: ask("Step 1: What is your name?", "name") }, sign({ round: 1 }));
  });
  mcp.registerTool("test_input_required_result_multiple_inputs", { description: "Three inputs at once" }, async (ctx) => {
    const responses = ctx.mcpReq.inputResponses ?? {};
    if (responses.user_name && responses.greeting && responses.client_roots) {
      return text(`All inputs received for ${answer(responses.user_name).name}.`);
    }
    return needs({ user_name: ask("What is your name?", "name"), greeting: sample("Generate a greeting", 50), client_roots: roots }, sign({ round: 1 }));
  });
  mcp.registerTool("test_input_required_result_tampered_state", { description: "Refuses state it did not mint" }, async (ctx) => {
    if (!ctx.mcpReq.inputResponses && !ctx.mcpReq.requestState()) {
      return needs({ confirm: ask("Please confirm", "ok") }, sign({ round: 1 }));
    }
    return text("state verified");
  });
  mcp.registerTool("test_input_required_result_capabilities", { description: "Asks only for what the client can answer" }, async (ctx) => {
    const caps = ctx.mcpReq.envelope?.["io.modelcontextprotocol/clientCapabilities"] ?? {};
    const wanted = {};
    if (caps.elicitation) wanted.user_name = ask("What is your name?", "name");
    if (caps.sampling) wanted.greeting = sample("Generate a greeting", 50);
    if (caps.roots) wanted.client_roots = roots;
    if (Object.keys(ctx.mcpReq.inputResponses ?? {}).length > 0 || Object.keys(wanted).length === 0) return text("Nothing more to ask.");
    return needs(wanted);
  });
  // Diagnostic tools of the server-stateless scenario.
  mcp.registerTool("test_missing_capability", { description: "Needs sampling, which the client must declare" }, async (ctx) => {
    const caps = ctx.mcpReq.envelope?.["io.modelcontextprotocol/clientCapabilities"] ?? {};
    if (!caps.sampling) throw new MissingRequiredClientCapabilityError({ requiredCapabilities: { sampling: {} } });
    return needs({ greeting: sample("Generate a greeting", 50) });
  });
  mcp.registerTool("test_streaming_elicitation", { description: "Asks for input in its result, never as a request on the stream" }, async (ctx) => {
    if (ctx.mcpReq.inputResponses?.user_name) return text("Thanks.");
    return needs({ user_name: ask("What is your name?", "name") });
  });
  mcp.registerTool("test_logging_tool", { description: "Logs, which reaches only clients that asked for a log level" }, async (ctx) => {
    await ctx.mcpReq.log("info", "test_logging_tool ran");
    return text("Logged.");
  });
  mcp.registerPrompt("test_input_required_result_prompt", { description: "A prompt that asks for context first" }, async (ctx) => {
    const response = ctx.mcpReq.inputResponses?.user_context;
    if (!response) return needs({ user_context: ask("What context should the prompt use?", "context") });
    return { messages: [{ role: "user", content: { type: "text", text: `Use this context: ${answer(response).context}` } }] };
  });
}

function buildServer() {
  const mcp = new McpServer(
    { name: "mcptunnel-conformance-server", version: "1.0.0" },
    { capabilities: { completions: {}, resources: {}, tools: {}, prompts: {} }, requestState: { verify } },
  );
  registerContentTools(mcp);
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
  registerResources(mcp, { ResourceTemplate });
  registerPrompts(mcp, { completable, argsSchema: (shape) => z.object(shape) });
  registerMultiRoundTrip(mcp);
  return mcp;
}

/** A Node (req, res, parsedBody) handler for 2026-07-28 requests. */
export const modernHandler = toNodeHandler(createMcpHandler(buildServer, { legacy: "reject" }));
