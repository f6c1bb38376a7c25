// node --import tests/deploy/container/localhost-dns.mjs CLIENT URL: resolves <name>.localhost to 127.0.0.1
// (RFC 6761), which glibc does not do here, so an MCP client can call http://<route>.localhost:PORT/mcp and
// the edge stand-in picks the route from the Host header, as it does for any client.
import dns from "node:dns";

const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  if (typeof hostname === "string" && hostname.toLowerCase().endsWith(".localhost")) {
    const all = typeof options === "object" && options?.all;
    return process.nextTick(() => (all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4)));
  }
  return original.call(this, hostname, options, callback);
};
