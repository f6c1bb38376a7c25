#!/usr/bin/env bash
# The project's test command (README): installs the npm test peers, builds with warnings as errors,
# runs every test project, and prints one closing line "N passed, N failed, N skipped", then one line
# naming the root-only container checks it does not run. Needs only the .NET SDK and Node with npm.
set -euo pipefail
cd "$(dirname "$0")"

if [ -f tests/node/package-lock.json ]; then
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi

dotnet build McpTunnel.slnx -c Release -nologo -clp:NoSummary -v:q

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# The console logger at "minimal" prints each failing test's message and stack trace (-v:q alone prints only its name).
dotnet test McpTunnel.slnx -c Release --no-build -nologo -v:q --logger "console;verbosity=minimal" 2>&1 | tee "$log" || status=$?

# Sum the per-project summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12 ...").
awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      gsub(",", "", $(i+1))
      if ($i == "Failed:")  failed  += $(i+1)
      if ($i == "Passed:")  passed  += $(i+1)
      if ($i == "Skipped:") skipped += $(i+1)
    }
  }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
# One plain line for what this command never runs (deploy/README.md "How this directory is checked").
echo "Not run by ./test.sh: the container checks (image, Compose stacks, chart pod under Podman; root only): sudo tests/deploy/container-check.sh"
exit "$status"
