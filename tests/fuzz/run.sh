#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted bytes with AFL++ through SharpFuzz (docs/RELIABILITY.md):
#   tests/fuzz/run.sh [SECONDS] [TARGET...]      targets: upgrade frame config duration policy-body peek audit-verify (default: all)
#   FUZZ_JOBS=2 tests/fuzz/run.sh 30              two targets at a time (each still gets SECONDS)
# Builds tests/fuzz/McpTunnel.Fuzz, instruments the project's assemblies (and YamlDotNet, which the config loader
# drives), runs afl-fuzz on each target for SECONDS (default 60) from tests/fuzz/corpus/<target>, and prints one
# line per target: executions, corpus size, edge coverage, crashes. Exits 1 if any target crashed; the crashing
# inputs are left under the work folder (FUZZ_OUT, default /tmp/mcptunnel-fuzz) with a replay command.
# Needs afl-fuzz (Debian package afl++); installs the SharpFuzz instrumenter as a local dotnet tool.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(upgrade frame config duration policy-body peek audit-verify)
out="${FUZZ_OUT:-/tmp/mcptunnel-fuzz}"
tools="$out/tools"

command -v afl-fuzz >/dev/null || { echo "run.sh: afl-fuzz not found (apt-get install afl++)" >&2; exit 2; }
mkdir -p "$out"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

rm -rf "$out/bin"
dotnet build McpTunnel.Fuzz -c Release -nologo -v:q -clp:NoSummary -o "$out/bin" >/dev/null
for assembly in mcp-proxy.dll McpTunnel.Common.dll YamlDotNet.dll; do
  "$tools/sharpfuzz" "$out/bin/$assembly" >/dev/null
done

# fuzz_one TARGET: runs afl-fuzz on it and writes its one-line summary (and a replay line on a crash) to
# $out/TARGET.result; exit 1 on a crash, 2 if afl-fuzz itself failed.
fuzz_one() {
  local target=$1 findings="$out/findings/$1" stats crashes
  rm -rf "$findings"
  mkdir -p "$out/findings"
  # The harness is a .NET program, not an AFL-compiled binary: AFL's binary check and CPU-governor check do not
  # apply, and containers often route core dumps elsewhere.
  if ! AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    afl-fuzz -V "$seconds" -i "corpus/$target" -o "$findings" -t 5000 -m none -- "$(command -v dotnet)" "$out/bin/McpTunnel.Fuzz.dll" "$target" \
    >"$out/$target.log" 2>&1; then
    { echo "run.sh: afl-fuzz failed for $target, see $out/$target.log"; tail -20 "$out/$target.log"; } >"$out/$target.result"
    return 2
  fi
  stats="$findings/default/fuzzer_stats"
  value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  crashes=$(value saved_crashes)
  printf '%-9s %ss  execs %s  corpus %s  edges %s  crashes %s\n' "$target" "$seconds" "$(value execs_done)" "$(value corpus_count)" "$(value bitmap_cvg)" "$crashes" >"$out/$target.result"
  if [ "${crashes:-0}" != "0" ]; then
    echo "  replay: dotnet $out/bin/McpTunnel.Fuzz.dll $target $findings/default/crashes/id*" >>"$out/$target.result"
    return 1
  fi
}

# FUZZ_JOBS targets at a time (default 1; CI uses one per core): each gets SECONDS either way, the run takes less wall time.
jobs="${FUZZ_JOBS:-1}"
crashed=0
for ((i = 0; i < ${#targets[@]}; i += jobs)); do
  batch=("${targets[@]:i:jobs}")
  pids=()
  for target in "${batch[@]}"; do
    fuzz_one "$target" &
    pids+=($!)
  done
  for j in "${!batch[@]}"; do
    rc=0
    wait "${pids[$j]}" || rc=$?
    if [ "$rc" = 2 ]; then cat "$out/${batch[$j]}.result" >&2; exit 2; fi
    cat "$out/${batch[$j]}.result"
    if [ "$rc" = 1 ]; then crashed=1; fi
  done
done
exit "$crashed"
