#!/usr/bin/env bash
# Runs the image's executables the way the container runs them, without a container engine (issue 6):
# published by deploy/docker/publish.sh (the Dockerfile's own publish step; mcp-proxy as the JIT build, the image's
# Native AOT build runs in tests/deploy/container-check.sh), started as UID/GID 65532
# through setpriv, with the image's environment, read-only config and data directories, no writable
# HOME and a read-only working directory. Then checks that nothing was written anywhere.
#
#   sudo tests/deploy/runtime-check.sh                 (needs root for setpriv; openssl; ~1 minute)
#   sudo tests/deploy/runtime-check.sh --publish-only  (publish + both apphosts start as 65532 + no writes;
#                                                       passes before the proxy is implemented)
#
# Checks:
#   1. the Compose invocation: `mcp-proxy -config FILE`; listens, logs `route configured`, exits 0 on SIGTERM;
#   2. the Helm managed-mode invocation: `mcp-proxy --config FILE -tunnel-domain D` with no tunnel_domain in FILE;
#   3. a key the proxy user cannot read: exits non-zero with `open <path>: permission denied` (Go's text, which the docs quote);
#   4. `setup --help` exits 0 and names `init` and `renew-cert`;
#   5. no file owned by 65532 appeared (the container's root filesystem is read-only).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
mode=full
case "${1:-}" in
  "") ;;
  --publish-only) mode=publish-only ;;
  *) echo "usage: $0 [--publish-only]" >&2; exit 2 ;;
esac

uid=65532
start_timeout=${RUNTIME_CHECK_START_TIMEOUT:-30}
stop_timeout=${RUNTIME_CHECK_STOP_TIMEOUT:-40}

fail() { echo "runtime-check: FAIL: $*" >&2; exit 1; }
ok() { echo "runtime-check: ok - $*"; }

[ "$(id -u)" = 0 ] || fail "run as root (setpriv switches to UID $uid)"
command -v setpriv >/dev/null || fail "setpriv missing (Debian package util-linux)"
command -v openssl >/dev/null || fail "openssl missing"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcptunnel-runtime-check.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work"
marker="$work/.start"
touch "$marker"

# --- publish exactly as the image does ---------------------------------------------------------
# RUNTIME_CHECK_APP_DIR=DIR skips publishing and runs DIR/mcp-proxy and DIR/setup instead (already
# published binaries, or stand-ins when working on this script).
if [ -n "${RUNTIME_CHECK_APP_DIR:-}" ]; then
  cp -a "$RUNTIME_CHECK_APP_DIR/." "$work/app/" 2>/dev/null || { mkdir -p "$work/app" && cp -a "$RUNTIME_CHECK_APP_DIR/." "$work/app/"; }
else
  # Stage the build context the image's build stage sees: the sources of its COPY instructions (those
  # without --from), minus bin/ and obj/ (Dockerfile.dockerignore), then publish there, away from the
  # checkout, so a build input the Dockerfile forgets to copy fails here as it would in `docker build`.
  context="$work/context"
  mkdir -p "$context"
  awk '/^FROM /{build = / AS build$/} build && /^COPY / && !/--from/{print}' "$repo/deploy/docker/Dockerfile" |
  while read -r _ rest; do
    read -ra words <<<"$rest"
    dest=${words[-1]}; unset 'words[-1]'
    for src in "${words[@]}"; do
      if [ -d "$repo/$src" ]; then
        mkdir -p "$context/$dest"
        tar -C "$repo/$src" --exclude=bin --exclude=obj -cf - . | tar -C "$context/$dest" -xf -
      elif [[ "$dest" == */ ]]; then
        mkdir -p "$context/$dest" && cp "$repo/$src" "$context/$dest"
      else
        mkdir -p "$(dirname "$context/$dest")" && cp "$repo/$src" "$context/$dest"
      fi
    done
  done
  [ -x "$context/deploy/docker/publish.sh" ] || fail "the Dockerfile's build stage does not copy deploy/docker/publish.sh"
  "$context/deploy/docker/publish.sh" "$work/app" linux-x64
fi
chown -R 0:0 "$work/app"
chmod -R a+rX,go-w "$work/app"
for exe in mcp-proxy setup; do [ -x "$work/app/$exe" ] || fail "no executable $exe"; done
ok "published mcp-proxy and setup${RUNTIME_CHECK_APP_DIR:+ (taken from $RUNTIME_CHECK_APP_DIR)}${RUNTIME_CHECK_APP_DIR:- with deploy/docker/publish.sh in a copy of the Dockerfile build context}"

# The apphost finds the shared framework here (in the image: the chiseled aspnet base).
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")

# --- read-only config and data, as the Compose bind mounts (:ro) and the Helm volumes ----------
data="$work/data"; etc="$work/etc/mcp-gateway"; cwd="$work/cwd"
mkdir -p "$data" "$etc" "$cwd"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -keyout "$data/ca.key" -out "$data/ca.crt" -subj "/CN=runtime-check-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" 2>/dev/null
printf 'subjectAltName = DNS:tunnel.test,DNS:*.tunnel.test\nauthorityKeyIdentifier = keyid,issuer\nextendedKeyUsage = serverAuth\n' > "$work/tls.ext"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$data/tls.key" -out "$work/tls.csr" -subj "/CN=tunnel.test" 2>/dev/null
openssl x509 -req -in "$work/tls.csr" -CA "$data/ca.crt" -CAkey "$data/ca.key" -CAcreateserial \
  -out "$data/tls.crt" -days 30 -extfile "$work/tls.ext" 2>/dev/null
rm -f "$data/ca.srl"
chmod 0600 "$data/ca.key"
chmod 0644 "$data/tls.key" "$data/tls.crt" "$data/ca.crt"   # the docs' `chmod 644 data/tls.key`
chmod 0755 "$data" "$etc" "$work/etc"
chmod 0555 "$cwd"

# A port nothing listens on, below the kernel's ephemeral range: a port inside it can be the local end of any outgoing
# connection on the host (a benchmark's thousands of them), which a listener cannot then bind.
free_port() {
  local p low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 21000 ] 2>/dev/null || low=32768
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % (low - 20000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  fail "no free port found"
}

write_config() { # FILE PORT KEYFILE [with-domain]
  {
    echo "listen_addr: \"127.0.0.1:$2\""
    echo "log_level: info"
    echo "shutdown_timeout: 5s"
    [ "${4:-}" = with-domain ] && echo "tunnel_domain: tunnel.test"
    echo "tls:"
    echo "  cert_file: $data/tls.crt"
    echo "  key_file: $3"
    echo "routes:"
    echo "  echo: http://10.255.255.1:9000"
  } > "$1"
  chmod 0644 "$1"
}

# Starts a binary as 65532 with the image's environment (deploy/docker/Dockerfile ENV) in the
# read-only working directory; output to LOG. Sets $last_pid.
start_as_nonroot() { # LOG BINARY ARGS...
  local log=$1; shift
  (cd "$cwd" && exec env -i PATH=/usr/bin:/bin HOME=/nonexistent DOTNET_ROOT="$dotnet_root" \
      DOTNET_EnableDiagnostics=0 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_gcServer=0 DOTNET_NOLOGO=1 \
      ASPNETCORE_HTTP_PORTS= ASPNETCORE_URLS= \
      setpriv --reuid=$uid --regid=$uid --clear-groups --no-new-privs "$@") >"$log" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
}

wait_until() { # SECONDS DESCRIPTION PID COMMAND... (bounded poll; fails early if PID exits)
  local deadline=$((SECONDS + $1)) what=$2 pid=$3; shift 3
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || return 2
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after $1 s waiting for $what"
    sleep 0.1
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs the proxy to readiness, then SIGTERM; expects exit code 0.
run_proxy_case() { # NAME ARGS...
  local name=$1; shift
  local log="$work/$name.log" rc=0
  start_as_nonroot "$log" "$work/app/mcp-proxy" "$@"
  local pid=$last_pid
  wait_until "$start_timeout" "$name: port $port" "$pid" port_open "$port" \
    || { cat "$log" >&2; fail "$name: mcp-proxy exited before listening"; }
  wait_until "$start_timeout" "$name: 'route configured' in the log" "$pid" grep -q "route configured" "$log" \
    || { cat "$log" >&2; fail "$name: mcp-proxy exited before logging 'route configured'"; }
  kill -TERM "$pid"
  wait_until "$stop_timeout" "$name: exit after SIGTERM" "$pid" false || true
  wait "$pid" || rc=$?
  [ "$rc" = 0 ] || { cat "$log" >&2; fail "$name: exit code $rc after SIGTERM (want 0)"; }
  ok "$name: listened as UID $uid, logged 'route configured', exited 0 on SIGTERM"
}

no_writes_check() {
  local written
  written=$(find "$work" /tmp /var/tmp /dev/shm -xdev -user "$uid" -newer "$marker" 2>/dev/null | head -20 || true)
  [ -z "$written" ] || fail "files written as UID $uid (a read-only root filesystem would refuse them):
$written"
  ok "no file written as UID $uid in the work tree, /tmp, /var/tmp or /dev/shm"
}

if [ "$mode" = publish-only ]; then
  # The apphost must find the shared framework and start managed code as 65532 (the program's own
  # exit code does not matter here); .NET host failures exit >= 128 with a "install .NET" message.
  for exe in mcp-proxy setup; do
    start_as_nonroot "$work/$exe-start.log" "$work/app/$exe" --help
    pid=$last_pid
    wait_until "$start_timeout" "$exe --help: exit" "$pid" false || true
    rc=0; wait "$pid" || rc=$?
    if [ "$rc" -ge 128 ] || grep -qiE "install .*\.NET|hostfxr|Failed to (resolve|load)" "$work/$exe-start.log"; then
      cat "$work/$exe-start.log" >&2; fail "$exe did not start as UID $uid (exit code $rc)"
    fi
    ok "$exe: the apphost started managed code as UID $uid (exit code $rc)"
  done
  no_writes_check
  echo "runtime-check: publish-only checks passed"
  exit 0
fi

# 1. Compose: config at a read-only path, tunnel_domain in the file.
port=$(free_port)
write_config "$etc/config.yaml" "$port" "$data/tls.key" with-domain
run_proxy_case compose -config "$etc/config.yaml"

# 2. Helm managed mode: the domain only on the command line, the double-dash spelling of --config.
port=$(free_port)
write_config "$etc/managed.yaml" "$port" "$data/tls.key"
run_proxy_case helm-managed --config "$etc/managed.yaml" -tunnel-domain tunnel.test

# 3. A key readable only by root: the documented failure, before listening.
port=$(free_port)
cp "$data/tls.key" "$data/private.key" && chmod 0600 "$data/private.key"
write_config "$etc/unreadable.yaml" "$port" "$data/private.key" with-domain
start_as_nonroot "$work/unreadable.log" "$work/app/mcp-proxy" -config "$etc/unreadable.yaml"
pid=$last_pid
wait_until "$start_timeout" "unreadable key: exit" "$pid" false || true
rc=0; wait "$pid" || rc=$?
[ "$rc" != 0 ] || fail "unreadable key: mcp-proxy exited 0"
grep -qF "open $data/private.key: permission denied" "$work/unreadable.log" \
  || { cat "$work/unreadable.log" >&2; fail "unreadable key: no 'open $data/private.key: permission denied'"; }
ok "unreadable key: exit code $rc with 'open <path>: permission denied'"

# 4. setup's CLI loads as 65532 on a read-only working directory.
start_as_nonroot "$work/setup.log" "$work/app/setup" --help
pid=$last_pid
wait_until "$start_timeout" "setup --help: exit" "$pid" false || true
rc=0; wait "$pid" || rc=$?
[ "$rc" = 0 ] || { cat "$work/setup.log" >&2; fail "setup --help: exit code $rc"; }
grep -q "init" "$work/setup.log" && grep -q "renew-cert" "$work/setup.log" \
  || { cat "$work/setup.log" >&2; fail "setup --help does not name init and renew-cert"; }
ok "setup --help: exit 0, names init and renew-cert"

# 5. Nothing written: the container's root filesystem is read-only.
no_writes_check
echo "runtime-check: all checks passed"
