#!/usr/bin/env node
// An OAuth-protected MCP server and its authorization server, for `mcptunnel doctor --oauth` tests: the split-endpoint
// setup of docs/OAUTH.md, built from real parts.
// - The authorization server is oidc-provider (OpenID certified; dynamic client registration, PKCE S256), its issuer
//   the tunnel name https://auth.<DOMAIN>. It trusts X-Forwarded-Host/-Proto (the proxy replaces whatever a caller
//   sent), so its endpoints are built on the tunnel name; the login page is advertised on a public host
//   (https://login.example.test), as the split asks.
// - The MCP server uses the TypeScript SDK's bearer-auth middleware (tokens checked against the provider's own store)
//   and its protected-resource metadata router, and builds its public URL from the request's Host, as many servers
//   do: behind `upstream.host_header: upstream` it therefore advertises its private address.
// SCENARIO breaks one thing at a time: ok | authorize-on-tunnel | no-s256 | issuer-mismatch | as-off-tunnel | http-resource
//
// Usage: DOMAIN=d MCP_PORT=a (or PORT=a) AS_PORT=b SCENARIO=ok node oauth-stack.mjs   (prints "listening on MCP_PORT" when ready)
import Provider from "oidc-provider";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import { mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl } from "@modelcontextprotocol/sdk/server/auth/router.js";
import { InvalidTokenError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { listenOnLoopback, statelessMcp } from "./serve.mjs";

const domain = process.env.DOMAIN;
const mcpPort = Number(process.env.MCP_PORT ?? process.env.PORT);
const asPort = Number(process.env.AS_PORT);
const scenario = process.env.SCENARIO ?? "ok";
const issuer = `https://auth.${domain}`;
const publicLogin = "https://login.example.test";

// The authorization server.
const provider = new Provider(issuer, {
  features: { registration: { enabled: true }, devInteractions: { enabled: true } },
  clientDefaults: { grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" },
});
provider.proxy = true;
provider.use(async (ctx, next) => {
  await next();
  const discovery = ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"];
  if (!discovery.includes(ctx.path) || typeof ctx.body !== "object") return;
  const metadata = ctx.body;
  if (scenario !== "authorize-on-tunnel") metadata.authorization_endpoint = `${publicLogin}/auth`;
  if (scenario === "no-s256") delete metadata.code_challenge_methods_supported;
  if (scenario === "issuer-mismatch") metadata.issuer = publicLogin;
});
await new Promise((resolve) => provider.listen(asPort, "127.0.0.1", resolve));

// The MCP server.
const advertisedIssuer = scenario === "as-off-tunnel" ? `http://127.0.0.1:${asPort}` : issuer;
const oauthMetadata = {
  issuer: advertisedIssuer,
  authorization_endpoint: `${publicLogin}/auth`,
  token_endpoint: `${advertisedIssuer}/token`,
  registration_endpoint: `${advertisedIssuer}/reg`,
  response_types_supported: ["code"],
  code_challenge_methods_supported: ["S256"],
};
const verifier = {
  async verifyAccessToken(token) {
    const found = await provider.AccessToken.find(token);
    if (!found) throw new InvalidTokenError("unknown or expired token");
    return { token, clientId: found.clientId, scopes: (found.scope ?? "").split(" ").filter(Boolean), expiresAt: found.exp };
  },
};
const publicUrl = (req) => new URL(`https://${req.headers.host}/mcp`);
// http-resource: the metadata's resource says http, as from a server that does not know it is reached over TLS.
const resourceUrl = (req) => new URL(`${scenario === "http-resource" ? "http" : "https"}://${req.headers.host}/mcp`);

const app = createMcpExpressApp({ host: "0.0.0.0" });
app.use((req, res, next) => mcpAuthMetadataRouter({ oauthMetadata, resourceServerUrl: resourceUrl(req) })(req, res, next));
app.post("/mcp", (req, res, next) => requireBearerAuth({ verifier, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(publicUrl(req)) })(req, res, next), statelessMcp(() => {
  const server = new McpServer({ name: "oauth-mcp-server", version: "1.0.0" });
  server.registerTool("whoami", { description: "The client the token was issued to" }, async (_args, extra) => ({
    content: [{ type: "text", text: extra.authInfo?.clientId ?? "" }],
  }));
  return server;
}, { enableJsonResponse: true }));
listenOnLoopback(app, mcpPort);
