// What the test servers here share: answering each POST with a fresh MCP server on a stateless Streamable HTTP
// transport (the TypeScript SDK's stateless example), and listening on 127.0.0.1 with the "listening on PORT" line
// the C# tests wait for (NodePeers.StartScriptAsync).
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

// An Express handler that serves one request with buildServer()'s server, both closed when the response ends.
export function statelessMcp(buildServer, transportOptions = {}) {
  return async (req, res) => {
    const server = buildServer(req);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, ...transportOptions });
    res.on("close", () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
}

// Listens on 127.0.0.1:port, prints "listening on PORT" once connections are accepted, exits 1 if it cannot listen.
export function listenOnLoopback(app, port) {
  app.listen(port, "127.0.0.1", (error) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    console.log(`listening on ${port}`);
  });
}
