#!/usr/bin/env bash
# Publishes the image's two executables, exactly as deploy/docker/Dockerfile does (the Dockerfile runs
# this script), so a local run proves the image's publish step. tests/deploy/runtime-check.sh runs the JIT build's
# binaries (no clang needed, and CI compiles mcp-proxy with Native AOT once, in the container checks' image build).
#
#   deploy/docker/publish.sh OUTDIR [RID]      (run from anywhere; RID defaults to linux-x64)
#   MCP_PROXY_NATIVE_AOT=1 deploy/docker/publish.sh OUTDIR [RID]
#
# Framework-dependent single-file apphosts: the chiseled aspnet base image carries the shared framework
# once for both executables; a framework-dependent bundle extracts nothing at start (no disk writes).
# MCP_PROXY_NATIVE_AOT=1 publishes mcp-proxy with Native AOT instead, as the Dockerfile does by default: it needs
# clang, and for a RID of the other architecture that architecture's GNU toolchain (deploy/docker/aot-toolchain.sh
# installs both in a Debian or Ubuntu SDK image). Measured in docs/PERFORMANCE.md ("Native AOT in the image").
# setup stays framework-dependent either way.
set -euo pipefail
out=${1:?usage: publish.sh OUTDIR [RID]}
rid=${2:-linux-x64}
cd "$(dirname "$0")/../.."

# A cross build strips the binary with the target's objcopy (binutils-<triple>): the build host's may not read it.
aot_cross=()
case "$(uname -m):$rid" in
  x86_64:linux-arm64) aot_cross=(-p:ObjCopyName=aarch64-linux-gnu-objcopy) ;;
  aarch64:linux-x64) aot_cross=(-p:ObjCopyName=x86_64-linux-gnu-objcopy) ;;
esac

for project in McpTunnel.Proxy McpTunnel.Setup; do
  if [ "$project" = McpTunnel.Proxy ] && [ "${MCP_PROXY_NATIVE_AOT:-0}" = 1 ]; then
    dotnet publish "src/$project/$project.csproj" \
      -c Release -r "$rid" -p:PublishAot=true \
      -p:DebugType=none -p:StripSymbols=true \
      -p:IsTransformWebConfigDisabled=true \
      -p:StaticWebAssetsEnabled=false \
      -p:GenerateDocumentationFile=false \
      "${aot_cross[@]}" \
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
