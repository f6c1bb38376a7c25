#!/usr/bin/env bash
# Publishes the image's two executables, exactly as deploy/docker/Dockerfile does (the Dockerfile runs
# this script), so a local run proves the image's publish step and tests/deploy/runtime-check.sh runs the
# same binaries the image ships.
#
#   deploy/docker/publish.sh OUTDIR [RID]      (run from anywhere; RID defaults to linux-x64)
#
# Framework-dependent single-file apphosts: the chiseled aspnet base image carries the shared framework
# once for both executables; a framework-dependent bundle extracts nothing at start (no disk writes).
set -euo pipefail
out=${1:?usage: publish.sh OUTDIR [RID]}
rid=${2:-linux-x64}
cd "$(dirname "$0")/../.."

for project in McpTunnel.Proxy McpTunnel.Setup; do
  dotnet publish "src/$project/$project.csproj" \
    -c Release -r "$rid" --self-contained false \
    -p:PublishSingleFile=true \
    -p:DebugType=none \
    -p:IsTransformWebConfigDisabled=true \
    -p:StaticWebAssetsEnabled=false \
    -p:GenerateDocumentationFile=false \
    -o "$out" -nologo -v:q -clp:NoSummary
done
