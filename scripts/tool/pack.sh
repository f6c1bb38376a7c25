#!/usr/bin/env bash
# Packs `mcptunnel` as a .NET tool (package McpTunnel.Cli) into ./artifacts, for
#   dotnet tool install --global --add-source ./artifacts McpTunnel.Cli
#
#   scripts/tool/pack.sh            # artifacts/McpTunnel.Cli.<version>.nupkg
#   scripts/tool/pack.sh --check    # then install that package into a temporary --tool-path and run
#                                   # `mcptunnel --version` and `mcptunnel demo --once --port 0` from there (.ci/run)
#
# The check installs with a package folder of its own (NUGET_PACKAGES): NuGet would otherwise take an earlier package
# of the same version from ~/.nuget/packages and the check would run yesterday's build.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rm -f artifacts/McpTunnel.Cli.*.nupkg
dotnet pack src/McpTunnel.Cli -c Release -o artifacts -nologo -v:q -clp:NoSummary
package=$(ls artifacts/McpTunnel.Cli.*.nupkg)
echo "tool: packed $package ($(( $(stat -c %s "$package") / 1024 )) KiB)"
[ "${1:-}" = --check ] || exit 0

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mcptunnel-tool-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
NUGET_PACKAGES=$scratch/packages dotnet tool install --tool-path "$scratch/tools" --add-source "$(pwd)/artifacts" McpTunnel.Cli >"$scratch/install.log" 2>&1 \
  || { cat "$scratch/install.log" >&2; echo "tool: dotnet tool install failed" >&2; exit 1; }
version=$("$scratch/tools/mcptunnel" --version)
expected="mcptunnel $(basename "$package" .nupkg | sed 's/^McpTunnel\.Cli\.//')"
case $version in
  "$expected "*) echo "tool: installed into a temporary --tool-path: $version" ;;
  *) echo "tool: the installed mcptunnel says '$version', expected '$expected (commit …)'" >&2; exit 1 ;;
esac
# The README's first command, from the installed tool and from another directory (nothing of the checkout nearby).
(cd "$scratch" && "$scratch/tools/mcptunnel" demo --once --port 0) >"$scratch/demo.log" 2>&1 \
  || { cat "$scratch/demo.log" >&2; echo "tool: the installed mcptunnel demo --once failed" >&2; exit 1; }
grep -q "Hello, tunnel!" "$scratch/demo.log" \
  || { cat "$scratch/demo.log" >&2; echo "tool: demo --once printed no tool answer" >&2; exit 1; }
echo "tool: the installed mcptunnel demo --once --port 0 served the tool call: $(grep -m1 'Hello, tunnel!' "$scratch/demo.log" | sed 's/^ *//')"
