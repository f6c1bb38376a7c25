#!/usr/bin/env bash
# Publishes the image's two executables, exactly as deploy/docker/Dockerfile does (the Dockerfile runs
# this script), so a local run proves the image's publish step and tests/deploy/runtime-check.sh runs the
# same binaries the image ships.
#
#   deploy/docker/publish.sh OUTDIR [RID]      (run from anywhere; RID defaults to linux-x64)
#   MCP_PROXY_NATIVE_AOT=1 deploy/docker/publish.sh OUTDIR [RID]
#
# Framework-dependent single-file apphosts: the chiseled aspnet base image carries the shared framework
# once for both executables; a framework-dependent bundle extracts nothing at start (no disk writes).
# MCP_PROXY_NATIVE_AOT=1 publishes mcp-proxy with Native AOT instead (needs clang and zlib headers for the
# target RID, which the SDK image lacks): measured in docs/PERFORMANCE.md ("Native AOT"), it starts in about a
# third of the time at 28 instead of 66 MiB RSS and costs about half the CPU per new tunnel, but h2 costs more CPU
# per request (no tiered PGO). setup stays framework-dependent either way.
set -euo pipefail
out=${1:?usage: publish.sh OUTDIR [RID]}
rid=${2:-linux-x64}
cd "$(dirname "$0")/../.."

for project in McpTunnel.Proxy McpTunnel.Setup; do
  if [ "$project" = McpTunnel.Proxy ] && [ "${MCP_PROXY_NATIVE_AOT:-0}" = 1 ]; then
    dotnet publish "src/$project/$project.csproj" \
      -c Release -r "$rid" -p:PublishAot=true \
      -p:DebugType=none -p:StripSymbols=true \
      -p:IsTransformWebConfigDisabled=true \
      -p:StaticWebAssetsEnabled=false \
      -p:GenerateDocumentationFile=false \
      -o "$out" -nologo -v:q -clp:NoSummary
    continue
  fi
  dotnet publish "src/$project/$project.csproj" \
    -c Release -r "$rid" --self-contained false \
    -p:PublishSingleFile=true \
    -p:DebugType=none \
    -p:IsTransformWebConfigDisabled=true \
    -p:StaticWebAssetsEnabled=false \
    -p:GenerateDocumentationFile=false \
    -o "$out" -nologo -v:q -clp:NoSummary
done
