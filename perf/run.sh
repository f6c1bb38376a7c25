#!/usr/bin/env bash
# Installs the benchmark peers (Debian nginx; wrk and h2load for cross-checks), builds in Release and runs
# the benchmark program `mcptunnel-bench` (perf/McpTunnel.Bench). Every extra argument goes to it, e.g.:
#   perf/run.sh --duration 5 --runs 3 --out bench-results
#   perf/run.sh --parts rr --http 1.1 --duration 3
# nginx is never started as a system service here: the bench starts its own instance in the foreground with a
# generated config that listens on 127.0.0.1 only, and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y nginx wrk nghttp2-client
  else
    echo "nginx is missing: run as root or 'sudo apt-get install -y nginx wrk nghttp2-client' (the nginx target is skipped otherwise)" >&2
  fi
fi

# The Debian package may start its default site (port 80 on every interface) when a service manager is present;
# the bench does not need it and must not expose anything beyond loopback.
if [ -f /run/nginx.pid ] && [ -x /usr/sbin/nginx ]; then
  /usr/sbin/nginx -s quit 2>/dev/null || true
fi

# Idle-tunnel runs hold 10k sockets in each process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dotnet build perf/McpTunnel.Bench -c Release -v quiet -nologo
exec dotnet perf/McpTunnel.Bench/bin/Release/net10.0/mcptunnel-bench.dll "$@"
