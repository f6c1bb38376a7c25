#!/usr/bin/env bash
# Builds McpTunnel's image (mcp-proxy and setup) from this checkout with Docker or Podman, nothing else:
# deploy/docker/Dockerfile compiles the source inside the .NET SDK image and copies the two executables onto the
# ASP.NET Core runtime image, both pulled from Microsoft's registry (mcr.microsoft.com). No .NET SDK, registry
# account or push is needed on this machine.
#
#   deploy/docker/build-image.sh [BUILD ARGS...]     (run from anywhere in the checkout)
#
# Tags the image ${MCP_PROXY_IMAGE:-mcp-proxy:local}, the name every Compose stack in deploy/compose and the directory
# `mcptunnel quickstart` writes use. CONTAINER_ENGINE=docker|podman picks the engine (default: docker when its daemon
# answers, else podman). Extra arguments go to `build` unchanged, e.g. --build-arg RUNTIME_IMAGE=... SDK_IMAGE=... for
# a mirror of the base images (tests/deploy/container-check.sh passes its local stand-ins that way).
set -euo pipefail
cd "$(dirname "$0")/../.."
tag=${MCP_PROXY_IMAGE:-mcp-proxy:local}

engine=${CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    engine=docker
  elif command -v podman >/dev/null 2>&1; then
    engine=podman
  else
    echo "build-image.sh: neither a running Docker (docker info failed or docker is missing) nor Podman found; install one of them" >&2
    exit 1
  fi
fi

revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
args=(-f deploy/docker/Dockerfile -t "$tag"
  --build-arg "VERSION=${version:-0.1.0}" --build-arg "REVISION=$revision"
  --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)")
case $engine in
  # Podman does not pick up <Dockerfile>.dockerignore by itself; BuildKit does.
  podman) args+=(--ignorefile deploy/docker/Dockerfile.dockerignore) ;;
  # The Dockerfile's cache mount and --platform=$BUILDPLATFORM need BuildKit (the default since Docker 23).
  docker) export DOCKER_BUILDKIT=1 ;;
esac

echo "build-image.sh: $engine build -t $tag (deploy/docker/Dockerfile, revision ${revision:0:12})"
"$engine" build "${args[@]}" "$@" .
echo "build-image.sh: built $tag; docker-compose.yaml files that say \${MCP_PROXY_IMAGE:-mcp-proxy:local} now run it"
