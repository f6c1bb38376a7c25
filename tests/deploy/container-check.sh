#!/usr/bin/env bash
# The image and the three Compose stacks under a real container engine (issue 14), as root:
#
#   sudo tests/deploy/container-check.sh    # ~14 min the first time on 2 busy cores; base images are cached
#
# Needs Debian's podman, runc, netavark, aardvark-dns, iptables, catatonit, debootstrap, docker-compose
# (1.29), unzip and openssl, plus the .NET SDK and Node (tests/node installed by `npm ci`). `.ci/run`
# installs them and runs this script. It also runs tests/deploy/kube-play.sh (the chart's pod).
#
# No container registry is reachable, so the base images are made here and cached in Podman's storage:
#   debian   debootstrap --variant=minbase bookworm (+ libssl3) -> podman import
#   runtime  + this machine's .NET shared frameworks     (stand-in for mcr.microsoft.com/dotnet/aspnet)
#   sdk      + this machine's .NET SDK and CA bundle      (stand-in for mcr.microsoft.com/dotnet/sdk)
# Then the image is built the documented way, deploy/docker/build-image.sh (deploy/docker/Dockerfile, unchanged), with
# RUNTIME_IMAGE/SDK_IMAGE pointing at them, and each stack in deploy/compose is copied, given certificates and
# brought up with docker-compose against Podman's Docker API, and so is the directory `mcptunnel quickstart` writes
# with its defaults (stack "generated"). Test overrides (tests/deploy/container/*.override.yaml) replace only what cannot run
# here: cloudflared (needs the real edge) by `mcptunnel edge` in the same netns dialling localhost:8080,
# hello_server.py (python:3.13-slim + pip) by `mcptunnel hello`, and for the programmatic stack the real
# Anthropic API by the test suite's fake, which `setup` reaches over loopback in the fake's netns.
# Every connection stays on this machine: container bridge networks and 127.0.0.1.
#
# Environment: CONTAINER_CHECK_STACKS="quickstart production programmatic generated" (subset), CONTAINER_CHECK_KEEP=1
# (leave the stacks and the work directory for inspection), CONTAINER_CHECK_SKIP_KUBE=1.
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
here=$repo/tests/deploy/container

stacks=${CONTAINER_CHECK_STACKS:-quickstart production programmatic generated}
domain=abcd1234.tunnel.anthropic.com
edge_port=${CONTAINER_CHECK_EDGE_PORT:-18443}
passed=0
failed=0
results=()

say() { echo "container-check: $*"; }
ok() { passed=$((passed + 1)); results+=("ok   $*"); say "ok - $*"; }
bad() { failed=$((failed + 1)); results+=("FAIL $*"); say "FAIL - $*" >&2; }
die() { say "FATAL: $*" >&2; exit 1; }
# Under set -e a command that fails outside an if/||/&& ends the run; say which one, so a CI log that stops
# after a stack's header names the line instead of ending silently.
trap 'say "FATAL: line $LINENO: \"$BASH_COMMAND\" exited $?" >&2' ERR

[ "$(id -u)" = 0 ] || die "run as root (rootful Podman with bridge networks)"
for tool in podman debootstrap docker-compose openssl iptables runc catatonit unzip dotnet node; do
  command -v "$tool" >/dev/null || die "$tool missing (apt-get install podman runc netavark aardvark-dns iptables catatonit debootstrap docker-compose unzip openssl; .NET SDK; Node)"
done
[ -d tests/node/node_modules/@modelcontextprotocol/sdk ] || die "tests/node/node_modules missing: (cd tests/node && npm ci)"

export CONTAINERS_CONF=$here/containers.conf
work=$(mktemp -d "${TMPDIR:-/tmp}/mcptunnel-container-check.XXXXXX")
chmod 0755 "$work"
sock=$work/podman.sock
export DOCKER_HOST=unix://$sock
export COMPOSE_HTTP_TIMEOUT=120 COMPOSE_INTERACTIVE_NO_CLI=1
service_pid=

cleanup() {
  local rc=$?
  if [ -z "${CONTAINER_CHECK_KEEP:-}" ]; then
    for s in $stacks; do
      if [ -d "$work/$s" ]; then teardown "$s"; fi
    done
    podman pod rm -f mcptunnel-kube >/dev/null 2>&1 || true
    podman pod rm -f mcp-tunnel-pod >/dev/null 2>&1 || true
  fi
  # (|| true: under set -e a failing last command of an && list would end the trap with status 1)
  if [ -n "${tools_pid:-}" ]; then kill "$tools_pid" 2>/dev/null || true; fi
  if [ -n "$service_pid" ]; then kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; fi
  if [ -z "${CONTAINER_CHECK_KEEP:-}" ]; then rm -rf "$work"; else say "kept $work"; fi
  exit $rc
}
trap cleanup EXIT

# --- the engine: Podman serving the Docker API on a socket of our own ----------------------------------
podman system service --time=0 "unix://$sock" >"$work/podman-service.log" 2>&1 &
service_pid=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.2; done
[ -S "$sock" ] || die "podman system service did not start: $(cat "$work/podman-service.log")"
say "engine: $(podman --version), Docker API at $DOCKER_HOST, $(docker-compose version --short 2>/dev/null || echo docker-compose)"

# --- local base images (cached in Podman's storage across runs) ----------------------------------------
sdk_version=$(dotnet --version)
runtime_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" {v = $2} END {print v}')
ca_bundle=/etc/ssl/certs/ca-certificates.crt
ca_hash=$(sha256sum "$ca_bundle" | cut -c1-12)
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
base_image=localhost/mcptunnel-standin/debian:bookworm-minbase
runtime_image=localhost/mcptunnel-standin/aspnet:$runtime_version
sdk_image=localhost/mcptunnel-standin/sdk:$sdk_version-ca$ca_hash

t0=$(date +%s)
if ! podman image exists "$base_image"; then
  say "building $base_image with debootstrap (about a minute)"
  rootfs=$work/rootfs
  debootstrap --variant=minbase --include=libssl3 bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || die "debootstrap failed: $(tail -5 "$work/debootstrap.log")"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  tar -C "$rootfs" --numeric-owner -cf - . | podman import -q --change 'CMD ["/bin/bash"]' - "$base_image" >/dev/null
  rm -rf "$rootfs"
fi
if ! podman image exists "$runtime_image"; then
  say "building $runtime_image (shared frameworks from $dotnet_root)"
  podman build -q --isolation chroot -v "$dotnet_root:/mnt/dotnet:ro" --build-arg "BASE=$base_image" \
    -f "$here/runtime.Containerfile" -t "$runtime_image" "$here" >/dev/null
fi
if ! podman image exists "$sdk_image"; then
  say "building $sdk_image (SDK $sdk_version and CA bundle from this machine)"
  podman build -q --isolation chroot -v "$dotnet_root:/mnt/dotnet:ro" -v "$ca_bundle:/mnt/ca-certificates.crt:ro" \
    --build-arg "BASE=$base_image" -f "$here/sdk.Containerfile" -t "$sdk_image" "$here" >/dev/null
fi
say "base images ready in $(( $(date +%s) - t0 ))s: $base_image, $runtime_image, $sdk_image"

# The helpers (below) publish on the host while the image builds.
mkdir -p "$work/tools"
(dotnet publish src/McpTunnel.Cli -c Release -o "$work/tools/cli" -nologo -v:q -clp:NoSummary \
  && dotnet publish tests/deploy/fake-api -c Release -o "$work/tools/fake-api" -nologo -v:q -clp:NoSummary) >"$work/tools-publish.log" 2>&1 &
tools_pid=$!

# --- the image: the documented command (deploy/docker/build-image.sh: deploy/docker/Dockerfile, unchanged) -----
t0=$(date +%s)
if CONTAINER_ENGINE=podman MCP_PROXY_IMAGE=localhost/mcp-proxy:local deploy/docker/build-image.sh --isolation chroot \
    --build-arg "RUNTIME_IMAGE=$runtime_image" --build-arg "SDK_IMAGE=$sdk_image" >"$work/image-build.log" 2>&1; then
  image_size=$(podman image inspect localhost/mcp-proxy:local --format '{{.Size}}')
  runtime_size=$(podman image inspect "$runtime_image" --format '{{.Size}}')
  ok "image built by deploy/docker/build-image.sh (deploy/docker/Dockerfile) in $(( $(date +%s) - t0 ))s: mcp-proxy:local $((image_size / 1000000)) MB ($(( (image_size - runtime_size) / 1000000 )) MB above the runtime base of $((runtime_size / 1000000)) MB)"
else
  tail -30 "$work/image-build.log" >&2
  die "image build failed"
fi
user=$(podman image inspect localhost/mcp-proxy:local --format '{{.Config.User}} {{json .Config.Entrypoint}}')
[ "$user" = '65532:65532 ["/mcp-proxy"]' ] && ok "image runs /mcp-proxy as 65532:65532" || bad "image user/entrypoint: $user"

# --- helpers image: mcptunnel (edge, hello, doctor) and the fake Tunnels API ------------------------------
t0=$(date +%s)
wait "$tools_pid" || { cat "$work/tools-publish.log" >&2; die "publishing mcptunnel / fake-api failed"; }
podman build -q --isolation chroot --build-arg "RUNTIME_IMAGE=$runtime_image" -f "$here/tools.Containerfile" \
  -t localhost/mcptunnel-tools:local "$work/tools" >/dev/null
say "helpers image mcptunnel-tools:local ready in $(( $(date +%s) - t0 ))s"

# --- per-stack helpers ----------------------------------------------------------------------------------
compose() { # compose STACK ARGS...  (run inside the stack's directory)
  local s=$1; shift
  docker-compose -p "mcpt-$s" -f docker-compose.yaml -f "$here/$s.override.yaml" "$@"
}

# make_certs DIR: the CA and the server certificate exactly as deploy/README.md's quickstart step 3.
make_certs() {
  local d=$1 days=${2:-90}
  if [ ! -f "$d/ca.key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 3650 \
      -subj "/CN=mcp-tunnel-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" 2>/dev/null
  fi
  printf 'subjectAltName = DNS:%s,DNS:*.%s\nauthorityKeyIdentifier = keyid,issuer\nextendedKeyUsage = serverAuth\n' \
    "$domain" "$domain" >"$d/tls.ext"
  openssl req -newkey rsa:2048 -nodes -keyout "$d/tls.key.new" -out "$d/server.csr" -subj "/CN=$domain" 2>/dev/null
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/tls.crt.new" -days "$days" -extfile "$d/tls.ext" 2>/dev/null
}

# install_certs DIR MODE: move the new pair into place (key first, then cert, each atomically).
install_certs() {
  local d=$1 owner=$2 mode=$3
  chown "$owner" "$d/tls.key.new" "$d/tls.crt.new"
  chmod "$mode" "$d/tls.key.new"
  chmod 0644 "$d/tls.crt.new"
  mv -f "$d/tls.key.new" "$d/tls.key"
  mv -f "$d/tls.crt.new" "$d/tls.crt"
}

# call ROUTE: an MCP tool call from the host (the official TypeScript SDK client) through the edge container.
call() {
  local route=$1
  node --import "$here/localhost-dns.mjs" "$repo/tests/node/mcp-client.mjs" "http://$route.localhost:$edge_port/mcp" --name container --timeout-ms 15000
}

wait_log() { # wait_log STACK SERVICE TEXT SECONDS [AFTER_LINE]: TEXT in the service's log (after line AFTER_LINE), within SECONDS of wall time
  local s=$1 svc=$2 text=$3 deadline=$((SECONDS + $4)) after=${5:-0} logs
  while :; do
    # The log is read whole before grep: `compose logs | grep -q` fails under pipefail whenever grep stops reading
    # first (SIGPIPE), which a long log (a proxy in a restart loop) makes likely. A deadline, not a count of tries:
    # under load one `compose logs` takes seconds.
    logs=$(compose "$s" logs --no-color "$svc" 2>/dev/null | tail -n +$((after + 1))) || true
    grep -q -- "$text" <<<"$logs" && return 0
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

log_lines() { compose "$1" logs --no-color "$2" 2>/dev/null | wc -l; } # log_lines STACK SERVICE: where "fresh" starts

# wait_running STACK SERVICE SECONDS: the service's container is running (a restart loop passes through stopped).
wait_running() {
  local s=$1 svc=$2 deadline=$((SECONDS + $3)) id
  while :; do
    id=$(compose "$s" ps -q "$svc" 2>/dev/null) || true
    [ -n "$id" ] && [ "$(podman inspect "$id" --format '{{.State.Running}}' 2>/dev/null)" = true ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

wait_call() { # wait_call ROUTE SECONDS -> the client's JSON on success
  local route=$1 deadline=$((SECONDS + $2)) out
  while :; do
    if out=$(call "$route" 2>&1); then echo "$out"; return 0; fi
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 1
  done
  echo "$out"
  return 1
}

doctor() { # doctor STACK SERVICE ARGS...: mcptunnel doctor in the proxy's netns (as the proxy's user), or beside it
  local s=$1 svc=$2; shift 2
  # Detached, then wait + logs: attaching to a container that exits within a second loses its output
  # under Podman's Docker API here. The container gets its name from us rather than from what `run -d` prints
  # (docker-compose 1.29 once printed nothing here, and its error went to /dev/null); what it needs is waited for:
  # `doctor` joins the proxy's network namespace, which exists only while the proxy container runs (the
  # troubleshooting rows leave it in a restart loop); `doctor-offline` has no network (network_mode none), so it
  # never races the proxy's restarts for the bridge network. A run that still fails is retried twice, with its error.
  local name=mcpt-$s-$svc-$$-$RANDOM err=$work/$s-$svc-run.err attempt rc
  for attempt in 1 2 3; do
    if [ "$svc" = doctor ] && ! wait_running "$s" mcp-proxy 30; then
      echo "doctor: the proxy container is not running, so there is no network namespace to join: $(compose "$s" logs --no-color --tail 3 mcp-proxy)"
      return 2
    fi
    compose "$s" --profile tools run -d --name "$name" "$svc" "$@" >/dev/null 2>"$err" && break
    podman container exists "$name" && break
    say "note: compose run -d $svc failed (attempt $attempt): $(tail -2 "$err" | tr '\n' ' ')" >&2
  done
  podman container exists "$name" || { echo "doctor: compose run -d $svc $* failed 3 times: $(tail -3 "$err")"; return 2; }
  rc=$(podman wait "$name" 2>/dev/null || echo 2)
  podman logs "$name" 2>&1
  podman rm -f "$name" >/dev/null 2>&1 || true
  return "$rc"
}

proxy_id() { compose "$1" ps -q mcp-proxy; }

# teardown STACK: compose down, then anything it left (a container that was still stopping, the network).
teardown() {
  local s=$1
  (cd "$work/$s" && compose "$s" down -v --timeout 2 >/dev/null 2>&1) || true
  podman ps -a -q --filter "label=com.docker.compose.project=mcpt-$s" | xargs -r podman rm -f >/dev/null 2>&1 || true
  podman network rm -f "mcpt-${s}_default" >/dev/null 2>&1 || true
}

# restart_proxy STACK: the proxy, then cloudflared (here the edge), which joined the proxy's network
# namespace and keeps the old one when the proxy restarts alone (measured: see the config-edit check).
restart_proxy() {
  compose "$1" restart mcp-proxy >/dev/null 2>&1
  compose "$1" restart cloudflared >/dev/null 2>&1
}

# reload_stage STACK: deploy/README.md "Changing the config". The config is edited in place (the single bind-mounted
# file keeps its inode) to add route echo3 while a long tool call streams its progress over SSE through the edge;
# `docker compose kill -s HUP mcp-proxy` applies it: echo3 serves a tool call, the call in flight finishes with every
# progress event, neither the proxy nor the edge (cloudflared's place) restarted, and doctor --admin sees the new
# hash.
# Then a bad edit + HUP: refused with its field in the log, and the routes still served are the old ones.
reload_stage() {
  local s=$1 out before proxy_started edge_started client_pid progress_log=$work/$s-progress.log steps=100
  proxy_started=$(podman inspect "$(proxy_id "$s")" --format '{{.State.StartedAt}}')
  edge_started=$(podman inspect "$(compose "$s" ps -q cloudflared)" --format '{{.State.StartedAt}}')
  cp config/mcp-proxy.yaml "$work/$s-before-reload.yaml"
  awk '{print} /^routes:/ {print "  echo3: http://hello-mcp:9000"}' "$work/$s-before-reload.yaml" >"$work/$s-echo3.yaml"

  # The long call: countdown of 100 steps 400 ms apart (40 s: under load one `compose logs` takes seconds, and the
  # first reload must land inside it), each a progress notification on the call's SSE stream. It is awaited last, so
  # its length overlaps the later reloads instead of adding to them.
  node --import "$here/localhost-dns.mjs" "$repo/tests/node/mcp-client.mjs" "http://echo.localhost:$edge_port/mcp" --name reload \
    --progress --steps "$steps" --delay-ms 400 --progress-log --timeout-ms 180000 >"$work/$s-long-call.json" 2>"$progress_log" &
  client_pid=$!
  local deadline=$((SECONDS + 30))
  until grep -q '^progress 1$' "$progress_log" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$client_pid" 2>/dev/null; do sleep 0.1; done

  if out=$(call echo3 2>&1); then
    bad "$s: route echo3 answered before the config named it"
  fi
  cat "$work/$s-echo3.yaml" >config/mcp-proxy.yaml   # in place
  if out=$(call echo3 2>&1); then
    bad "$s: the edited config was applied without a signal (no signal, no change is documented)"
  else
    ok "$s: after editing the config, route echo3 is not served until the proxy is signalled ($(echo "$out" | grep -o 'No route configured for host\|50[0-9][^"]*' | head -1))"
  fi
  before=$(log_lines "$s" mcp-proxy)
  local t_hup
  t_hup=$(date +%s%N)
  compose "$s" kill -s HUP mcp-proxy >/dev/null 2>&1
  if ! wait_log "$s" mcp-proxy 'config reloaded' 30 "$before"; then
    bad "$s: no 'config reloaded' after docker compose kill -s HUP mcp-proxy: $(compose "$s" logs --no-color --tail 5 mcp-proxy)"
  fi
  local reloaded in_flight=no
  kill -0 "$client_pid" 2>/dev/null && in_flight=yes
  reloaded=$(compose "$s" logs --no-color mcp-proxy | tail -n +$((before + 1)) | grep -m1 'config reloaded' | grep -o 'trigger=[^ ]*\|routes_added=[^ ]*\|upstream_pool=[^ ]*' | tr '\n' ' ')
  if out=$(wait_call echo3 10) && [[ "$out" == *'"ok":true'* ]] \
     && [ "$(podman inspect "$(proxy_id "$s")" --format '{{.State.StartedAt}}')" = "$proxy_started" ] \
     && [ "$(podman inspect "$(compose "$s" ps -q cloudflared)" --format '{{.State.StartedAt}}')" = "$edge_started" ]; then
    ok "$s: config edit + docker compose kill -s HUP mcp-proxy: route echo3 serves the tool call (seen $(( ($(date +%s%N) - t_hup) / 1000000 )) ms after the signal, the check's own log polling included); proxy and edge not restarted (same start times); log: config reloaded $reloaded"
  else
    bad "$s: after HUP, echo3: $(echo "$out" | tail -c 300); proxy started $proxy_started -> $(podman inspect "$(proxy_id "$s")" --format '{{.State.StartedAt}}'); edge $edge_started -> $(podman inspect "$(compose "$s" ps -q cloudflared)" --format '{{.State.StartedAt}}')"
  fi
  out=$(doctor "$s" doctor doctor --config /etc/mcp-gateway/config.yaml --ca /data/ca.crt --domain "$STACK_DOMAIN" --host echo3 --admin http://127.0.0.1:9090 --timeout 5 || true)
  [[ "$out" == *"as it is now (hash"* ]] && ok "$s: mcptunnel doctor --admin: $(echo "$out" | grep -m1 -o 'the proxy runs [^)]*)')" \
    || bad "$s: doctor --admin after the reload: $(echo "$out" | tail -5)"

  # a bad edit + HUP: refused, logged with the field, the running routes keep serving
  sed 's|^  echo3: .*|  echo3: not-a-url|' "$work/$s-echo3.yaml" >config/mcp-proxy.yaml
  before=$(log_lines "$s" mcp-proxy)
  compose "$s" kill -s HUP mcp-proxy >/dev/null 2>&1
  if wait_log "$s" mcp-proxy 'field=routes.echo3' 30 "$before"; then
    local logs
    logs=$(compose "$s" logs --no-color mcp-proxy | tail -n +$((before + 1)))
    if [[ "$logs" == *"config reload failed, keeping the running configuration"* ]] \
       && [[ "$(wait_call echo3 10)" == *'"ok":true'* ]] && [[ "$(call echo 2>&1)" == *'"ok":true'* ]] \
       && [ "$(podman inspect "$(proxy_id "$s")" --format '{{.State.StartedAt}}')" = "$proxy_started" ]; then
      ok "$s: a bad edit + HUP is refused and logged ($(echo "$logs" | grep -m1 'config reload error' | grep -o 'field=[^ ]*'); 'config reload failed, keeping the running configuration'); echo and echo3 still serve, same container"
    else
      bad "$s: bad edit + HUP: $(echo "$logs" | tail -3)"
    fi
  else
    bad "$s: bad edit + HUP: no 'config reload error' for routes.echo3: $(compose "$s" logs --no-color --tail 5 mcp-proxy)"
  fi

  # The edit undone (in place) + HUP: the route goes again, and a request to it gets the documented 502.
  cat "$work/$s-before-reload.yaml" >config/mcp-proxy.yaml
  before=$(log_lines "$s" mcp-proxy)
  compose "$s" kill -s HUP mcp-proxy >/dev/null 2>&1
  if wait_log "$s" mcp-proxy 'routes_removed=echo3' 30 "$before" && out=$(call echo3 2>&1; true) && [[ "$out" == *'No route configured for host'* ]] \
     && [[ "$(call echo 2>&1)" == *'"ok":true'* ]]; then
    ok "$s: the edit undone + HUP: config reloaded routes_removed=echo3, echo3 now answers 502 No route configured for host, echo serves"
  else
    bad "$s: undoing the edit: $(echo "$out" | tail -c 200); $(compose "$s" logs --no-color --tail 3 mcp-proxy)"
  fi

  # The long call, in flight at the first reload (and perhaps through the later ones), finishes whole.
  local rc=0
  wait "$client_pid" || rc=$?
  out=$(cat "$work/$s-long-call.json")
  if [ "$rc" = 0 ] && [ "$in_flight" = yes ] && [[ "$out" == *"\"count\":$steps,"* ]] && [[ "$out" == *"\"beforeResult\":$steps,"* ]]; then
    ok "$s: a tool call streaming progress over SSE during the reload finished: $steps of $steps progress events, then the result ($(echo "$out" | grep -o 'Countdown of [0-9]* finished'))"
  else
    bad "$s: the call in flight across the reload: exit $rc, in flight at the reload: $in_flight, $(echo "$out" | tail -c 300)"
  fi
}

# --- one stack ------------------------------------------------------------------------------------------
run_stack() {
  local s=$1 dir=$work/$1 owner mode
  say "---- stack $s"
  cp -r "deploy/compose/$s" "$dir"
  mkdir -p "$dir/data"
  cd "$dir"
  case $s in
    quickstart) owner=0:0 mode=0644 ;;        # the quickstart's `chmod 644 data/tls.key`
    *) owner=65532:65532 mode=0600 ;;         # production: chown -R 65532:65532 data && chmod 600 data/*.key
  esac
  local profile=()
  [ "$s" = quickstart ] || profile=(--profile sample)   # hello-mcp is in profile "sample" there

  if [ "$s" = programmatic ]; then
    # The identifiers the fake accepts (tests/McpTunnel.Setup.Tests/Fakes/FakeAnthropicApi.cs), exported as the README says.
    export ANTHROPIC_FEDERATION_RULE_ID=fdrl_01TestRule ANTHROPIC_ORGANIZATION_ID=8f2b1c3a-4d5e-4f60-8a7b-9c0d1e2f3a4b
    ANTHROPIC_IDENTITY_TOKEN=$(grep -o 'Jwt = "[^"]*"' "$repo/tests/McpTunnel.Setup.Tests/Fakes/FakeAnthropicApi.cs" | cut -d'"' -f2)
    export ANTHROPIC_IDENTITY_TOKEN
    # setup init against the fake Tunnels API, as the README's steps: data/ owned by 65532, then read the domain.
    chown 65532:65532 data
    # The override file interpolates these for every service, fake-api's `up` included: set before the first compose
    # call (the provisioned domain replaces STACK_DOMAIN once setup has run).
    export STACK_DOMAIN=$domain EDGE_PORT=$edge_port
    if ! compose "$s" up -d fake-api >"$work/$s-fake-api-up.log" 2>&1; then
      say "note: compose up -d fake-api failed once, retrying: $(tail -2 "$work/$s-fake-api-up.log" | tr '\n' ' ')" >&2
      if ! compose "$s" up -d fake-api >"$work/$s-fake-api-up.log" 2>&1; then
        bad "$s: docker compose up -d fake-api failed: $(tail -5 "$work/$s-fake-api-up.log")"; cd "$repo"; return
      fi
    fi
    if ! wait_log "$s" fake-api "fake-api listening" 30; then bad "$s: fake Tunnels API did not start"; cd "$repo"; return; fi
    if out=$(compose "$s" --profile setup run --rm -T setup 2>&1); then
      ok "$s: docker compose run --rm setup (setup init against the fake Tunnels API) exit 0"
    else
      bad "$s: setup init failed: $(echo "$out" | tail -5)"; cd "$repo"; return
    fi
    local files modes
    files=$(cd data && ls | sort | tr '\n' ' ')
    modes=$(stat -c '%a %u' data/* | sort -u | tr '\n' ' ')
    [ "$files" = "ca.crt ca.key tls.crt tls.key token-version tunnel-domain tunnel-id tunnel-token " ] && [ "$modes" = "600 65532 " ] \
      && ok "$s: setup wrote $files(all 0600, owner 65532)" || bad "$s: setup wrote: $files modes: $modes"
    local tunnel_id ca_sum
    tunnel_id=$(cat data/tunnel-id) ca_sum=$(sha256sum <data/ca.crt)
    if out=$(compose "$s" --profile setup run --rm -T setup 2>&1) && [ "$(cat data/tunnel-id)" = "$tunnel_id" ] && [ "$(sha256sum <data/ca.crt)" = "$ca_sum" ]; then
      ok "$s: setup re-run converges (same tunnel $tunnel_id, same CA)"
    else
      bad "$s: setup re-run failed: $(echo "$out" | tail -3)"
    fi
    local provisioned
    provisioned=$(cat data/tunnel-domain)
    sed -i "s/^tunnel_domain: .*/tunnel_domain: $provisioned/" config/mcp-proxy.yaml
    domain_for_stack=$provisioned
    export TUNNEL_TOKEN; TUNNEL_TOKEN=$(cat data/tunnel-token)
  else
    domain_for_stack=$domain
    make_certs data
    install_certs data "$owner" "$mode"
    chown "$owner" data/ca.crt
    export TUNNEL_TOKEN=not-used-by-the-edge-stand-in
  fi
  export STACK_DOMAIN=$domain_for_stack EDGE_PORT=$edge_port

  # up -> listening
  local t_up t_listen
  t_up=$(date +%s%N)
  if ! compose "$s" "${profile[@]}" up -d >"$work/$s-up.log" 2>&1; then
    bad "$s: docker compose up -d failed: $(tail -5 "$work/$s-up.log")"; cd "$repo"; return
  fi
  if wait_log "$s" mcp-proxy '"listening\|msg=listening' 60; then
    t_listen=$(date +%s%N)
    local started listened
    started=$(podman inspect "$(proxy_id "$s")" --format '{{.State.StartedAt}}' | sed 's/ UTC$//')
    listened=$(compose "$s" logs --no-color mcp-proxy | grep -m1 'msg=listening' | grep -o 'time=[^ ]*' | cut -d= -f2)
    ok "$s: up -d to the proxy's 'listening' line in $(( (t_listen - t_up) / 1000000 )) ms (container start to 'listening' in the proxy's own log: $(( ($(date -d "$listened" +%s%N) - $(date -d "$started" +%s%N)) / 1000000 )) ms)"
  else
    bad "$s: proxy never logged listening: $(compose "$s" logs --no-color mcp-proxy | tail -5)"; cd "$repo"; return
  fi

  # the documented grep
  local n
  n=$(compose "$s" logs --no-color mcp-proxy | grep -c "route configured" || true)
  [ "$n" -ge 1 ] && ok "$s: docker compose logs mcp-proxy | grep \"route configured\" -> $n line(s)" || bad "$s: no 'route configured' line"

  # hardening as run
  local cid hard
  cid=$(proxy_id "$s")
  hard=$(podman inspect "$cid" --format '{{.Config.User}} ro={{.HostConfig.ReadonlyRootfs}} capdrop={{.HostConfig.CapDrop}}')
  local caps
  caps=$(podman exec "$cid" /bin/sh -c 'grep CapEff /proc/1/status; id -u' 2>/dev/null | tr '\n' ' ' || true)
  if [ "$s" = quickstart ]; then
    say "$s: proxy container (not hardened by design): $hard; $caps"
  elif [[ "$hard" == "65532:65532 ro=true"* ]] && [[ "$caps" == *"0000000000000000 65532"* ]]; then
    ok "$s: proxy runs hardened: user 65532:65532, read-only root, CapEff 0 ($hard)"
  else
    bad "$s: proxy hardening: $hard; $caps"
  fi
  local upstream_ip
  upstream_ip=$(podman inspect "$(compose "$s" ps -q hello-mcp)" --format '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' 2>/dev/null | awk '{print $1}' || true)

  # the tool call, default egress policy
  local out
  if out=$(wait_call echo 30) && [[ "$out" == *'"ok":true'* ]]; then
    ok "$s: MCP tools/call hello from the host -> edge container -> proxy -> hello-mcp ($upstream_ip, default allowed_ips): $(echo "$out" | grep -o '"hello":{[^}]*}')"
  else
    bad "$s: tool call failed: $out; proxy log: $(compose "$s" logs --no-color mcp-proxy | tail -5)"
  fi
  wait_log "$s" mcp-proxy "request started" 10 && ok "$s: proxy logged 'request started'" || bad "$s: no 'request started'"

  # a config edit is applied by SIGHUP: no restart of the proxy or cloudflared, a call in flight finishes
  reload_stage "$s"

  # The same edit saved by rename (sed -i: a new file over the old name) and signalled: a file bind-mounted on its
  # own is the inode the container started with, so the proxy may still read the old content (deploy/README.md
  # "Edit the file in place" says so); recorded, not asserted, since it is the engine's behaviour, not ours.
  printf '  echo2: http://hello-mcp:9000\n' >"$work/$s-echo2.add"
  sed -i "/^routes:/r $work/$s-echo2.add" config/mcp-proxy.yaml
  local before
  before=$(log_lines "$s" mcp-proxy)
  compose "$s" kill -s HUP mcp-proxy >/dev/null 2>&1
  wait_log "$s" mcp-proxy 'config reload' 30 "$before" || true
  if out=$(call echo2 2>&1) && [[ "$out" == *'"ok":true'* ]]; then
    say "$s: note: after sed -i (a rename) and SIGHUP the proxy read the new file: echo2 served"
  else
    say "$s: note: after sed -i (a rename) and SIGHUP the proxy still read the file it started with: echo2 not served ($(echo "$out" | grep -o 'No route configured for host\|50[0-9][^"]*' | head -1)); reload line: $(compose "$s" logs --no-color mcp-proxy | tail -n +$((before + 1)) | grep -o 'routes_added=[^ ]*' | head -1)"
  fi
  # Restarting keeps working as documented. cloudflared shares the proxy's network namespace
  # (network_mode: service:mcp-proxy) and stays in the old one, so record what restarting the proxy alone does,
  # then restart cloudflared too, as deploy/README.md says.
  compose "$s" restart mcp-proxy >/dev/null 2>&1
  wait_log "$s" mcp-proxy "route=echo2" 30 || true
  if out=$(wait_call echo2 5) && [[ "$out" == *'"ok":true'* ]]; then
    say "$s: note: after 'restart mcp-proxy' alone the edge still reaches the proxy"
  else
    say "$s: note: after 'restart mcp-proxy' alone the edge (cloudflared's place) no longer reaches the proxy: $(echo "$out" | grep -o '"error":"[^"]*' | cut -c10-90)"
  fi
  t_up=$(date +%s%N)
  compose "$s" restart cloudflared >/dev/null 2>&1
  if out=$(wait_call echo2 40) && [[ "$out" == *'"ok":true'* ]]; then
    ok "$s: config edit + docker compose restart mcp-proxy (then cloudflared): route echo2 serves the tool call ($(( ($(date +%s%N) - t_up) / 1000000 )) ms after restarting cloudflared)"
  else
    bad "$s: after restarting mcp-proxy and cloudflared, echo2 failed: $(echo "$out" | tail -c 300)"
  fi

  # a renewed certificate in data/ is served without a restart
  local started_before started_after fp
  started_before=$(podman inspect "$(proxy_id "$s")" --format '{{.State.StartedAt}}')
  if [ "$s" = programmatic ]; then
    compose "$s" --profile setup run --rm -T setup renew-cert --output=dir:/data --renew-before=2200h >"$work/$s-renew.log" 2>&1 \
      && ok "$s: docker compose run --rm setup renew-cert --output=dir:/data --renew-before=2200h wrote a new certificate" \
      || bad "$s: renew-cert failed: $(tail -3 "$work/$s-renew.log")"
  else
    make_certs data 30
    install_certs data "$owner" "$mode"
  fi
  fp=$(openssl x509 -in data/tls.crt -outform DER | sha256sum | cut -d' ' -f1)
  if wait_log "$s" mcp-proxy "fingerprint=$fp" 30; then
    started_after=$(podman inspect "$(proxy_id "$s")" --format '{{.State.StartedAt}}')
    out=$(doctor "$s" doctor)
    if [ "$started_before" = "$started_after" ] && [[ "$out" == *"checks passed"* ]] && ! [[ "$out" == *"serves another certificate"* ]] \
       && [[ "$(wait_call echo 10)" == *'"ok":true'* ]]; then
      ok "$s: renewed certificate in data/ served without a restart (proxy log 'certificate loaded ... fingerprint=${fp:0:16}…', same container start $started_after; doctor: $(echo "$out" | grep -m1 'handshake ok' | grep -o '[0-9]* days left'), tool call ok)"
    else
      bad "$s: renewed certificate: restart? $started_before vs $started_after; doctor: $(echo "$out" | tail -3)"
    fi
  else
    bad "$s: the proxy did not load the renewed certificate (fingerprint $fp): $(compose "$s" logs --no-color --tail 5 mcp-proxy)"
  fi

  # troubleshooting rows, for real (quickstart and production share the manual-credentials layout)
  if [ "$s" != programmatic ]; then troubleshoot "$s" "$owner"; fi

  cd "$repo"
  if [ -z "${CONTAINER_CHECK_KEEP:-}" ]; then teardown "$s"; fi
}

# troubleshoot STACK OWNER: each row that can happen here, then `mcptunnel doctor` on the same files.
troubleshoot() {
  local s=$1 owner=$2 out logs
  cp config/mcp-proxy.yaml config/good.yaml

  # row: key mode 0600 owned by someone else -> open /data/tls.key: permission denied
  chown 0:0 data/tls.key && chmod 0600 data/tls.key
  local before
  before=$(log_lines "$s" mcp-proxy)
  compose "$s" restart mcp-proxy >/dev/null 2>&1
  wait_log "$s" mcp-proxy "open /data/tls.key: permission denied" 30 "$before" || true
  logs=$(compose "$s" logs --no-color mcp-proxy | tail -n +$((before + 1)))
  [[ "$logs" == *"open /data/tls.key: permission denied"* ]] \
    && ok "$s: key mode 0600 (owner root) -> proxy logs 'open /data/tls.key: permission denied'" \
    || bad "$s: key 0600: expected permission denied, log: $(echo "$logs" | tail -3)"
  out=$(doctor "$s" doctor-offline || true)
  [[ "$out" == *"permission denied"* ]] && ok "$s: mcptunnel doctor names it: $(echo "$out" | grep -m1 'permission denied' | sed 's/^ *//' | cut -c1-150)" \
    || bad "$s: doctor on the unreadable key: $(echo "$out" | tail -4)"
  chown "$owner" data/tls.key; chmod "$( [ "$s" = quickstart ] && echo 0644 || echo 0600)" data/tls.key
  restart_proxy "$s"

  # row: routes as a YAML list
  sed -i 's/^  echo: /  - echo: /; s/^  echo2: /  - echo2: /' config/mcp-proxy.yaml
  expect_row "$s" "routes as a YAML list" "cannot unmarshal !!seq into map[string]string"
  cp config/good.yaml config/mcp-proxy.yaml

  # row: missing tunnel_domain
  sed -i '/^tunnel_domain:/d' config/mcp-proxy.yaml
  expect_row "$s" "missing tunnel_domain" "tunnel_domain"
  cp config/good.yaml config/mcp-proxy.yaml

  # row: upstream outside the allowed ranges (hello-mcp is on 10.89/172.x; allow only 192.168.0.0/16)
  printf 'upstream:\n  allowed_ips:\n    - 192.168.250.0/24\n' >>config/mcp-proxy.yaml
  restart_proxy "$s"
  wait_log "$s" mcp-proxy "listening" 20 || true
  before=$(log_lines "$s" mcp-proxy)
  out=$(call echo 2>&1 || true)
  wait_log "$s" mcp-proxy "IP validation failed: " 10 "$before" || true
  logs=$(compose "$s" logs --no-color --tail=30 mcp-proxy)
  [[ "$logs" == *"IP validation failed: "*" is not a private address"* ]] \
    && ok "$s: upstream outside allowed_ips -> $(echo "$logs" | grep -o 'IP validation failed: [^"]*' | tail -1)" \
    || bad "$s: upstream outside ranges: no IP validation line; client: $out; log: $(echo "$logs" | tail -3)"
  out=$(doctor "$s" doctor || true)
  [[ "$out" == *"row e"* || "$out" == *"allowed"* ]] && ok "$s: mcptunnel doctor names it: $(echo "$out" | grep -m1 -i 'allowed\|row e' | sed 's/^ *//' | cut -c1-150)" \
    || bad "$s: doctor on the refused upstream: $(echo "$out" | tail -4)"
  cp config/good.yaml config/mcp-proxy.yaml
  restart_proxy "$s"
  wait_call echo 30 >/dev/null && ok "$s: good config restored, tool call ok again" || bad "$s: the stack did not recover after the troubleshooting rows"
}

# expect_row STACK NAME TEXT: the proxy refuses to start with TEXT in its log, and doctor reports TEXT.
expect_row() {
  local s=$1 name=$2 text=$3 out logs before
  before=$(log_lines "$s" mcp-proxy)
  compose "$s" restart mcp-proxy >/dev/null 2>&1
  wait_log "$s" mcp-proxy "$text" 30 "$before" || true
  logs=$(compose "$s" logs --no-color mcp-proxy | tail -n +$((before + 1)))
  [[ "$logs" == *"$text"* ]] && ok "$s: $name -> proxy exits with: $(echo "$logs" | grep -m1 -F -- "$text" | sed 's/^[a-z0-9_-]* *| //' | cut -c1-200)" \
    || bad "$s: $name: expected '$text' in the proxy log: $(echo "$logs" | tail -3)"
  out=$(doctor "$s" doctor-offline || true)
  [[ "$out" == *"$text"* ]] && ok "$s: mcptunnel doctor names it: $(echo "$out" | grep -m1 -F -- "$text" | sed 's/^ *//' | cut -c1-150)" \
    || bad "$s: doctor on $name: $(echo "$out" | tail -4)"
}

# run_generated: the directory `mcptunnel quickstart` writes with its defaults (our image, the sample server), on the
# image built by the command its next steps print, brought up as written (plus the test override) and called.
run_generated() {
  local s=generated dir=$work/generated out cid health
  say "---- stack generated (mcptunnel quickstart DIR --domain $domain --yes)"
  if ! out=$("$work/tools/cli/mcptunnel" quickstart "$dir" --domain "$domain" --yes 2>&1); then
    bad "$s: mcptunnel quickstart failed: $(echo "$out" | tail -5)"; return
  fi
  if grep -qF 'image: ${MCP_PROXY_IMAGE:-mcp-proxy:local}' "$dir/docker-compose.yaml" && [[ "$out" == *"deploy/docker/build-image.sh"* ]]; then
    ok "$s: quickstart's defaults run McpTunnel's image (\${MCP_PROXY_IMAGE:-mcp-proxy:local}); next steps: $(echo "$out" | grep -m1 -o '[^ ]*deploy/docker/build-image.sh')"
  else
    bad "$s: quickstart's defaults: $(grep -m1 'image:' "$dir/docker-compose.yaml"); next steps: $(echo "$out" | grep -m2 -A2 'Image')"
  fi
  cd "$dir"
  export STACK_DOMAIN=$domain EDGE_PORT=$edge_port
  if ! compose "$s" up -d >"$work/$s-up.log" 2>&1; then
    bad "$s: docker compose up -d failed: $(tail -5 "$work/$s-up.log")"; cd "$repo"; return
  fi
  if ! wait_log "$s" mcp-proxy 'msg=listening' 60; then
    bad "$s: proxy never logged listening: $(compose "$s" logs --no-color mcp-proxy | tail -5)"; cd "$repo"; return
  fi
  if out=$(wait_call echo 30) && [[ "$out" == *'"ok":true'* ]]; then
    ok "$s: MCP tools/call hello from the host -> edge container -> McpTunnel's proxy (generated config and compose) -> hello-mcp: $(echo "$out" | grep -o '"hello":{[^}]*}')"
  else
    bad "$s: tool call failed: $out; proxy log: $(compose "$s" logs --no-color mcp-proxy | tail -5)"
  fi
  # The generated healthcheck, run by the engine as written (no systemd here to schedule it on its interval).
  cid=$(proxy_id "$s")
  if health=$(podman healthcheck run "$cid" 2>&1) && [ "$(podman inspect "$cid" --format '{{.State.Health.Status}}' 2>/dev/null)" = healthy ]; then
    ok "$s: the generated healthcheck (mcp-proxy -healthcheck -config /etc/mcp-proxy/config.yaml) reports healthy"
  else
    bad "$s: generated healthcheck: $health $(podman inspect "$cid" --format '{{json .State.Health}}' 2>&1 | cut -c1-300)"
  fi
  out=$(doctor "$s" doctor || true)
  if [[ "$out" == *"checks passed"* ]] && [[ "$out" == *"McpTunnel mcp-proxy"* ]]; then
    ok "$s: mcptunnel doctor --admin (the next steps' line) passes and names the proxy: $(echo "$out" | grep -m1 -o 'McpTunnel mcp-proxy [^ ,;)]*')"
  else
    bad "$s: doctor on the generated stack: $(echo "$out" | tail -6)"
  fi
  cd "$repo"
  if [ -z "${CONTAINER_CHECK_KEEP:-}" ]; then teardown "$s"; fi
}

for s in $stacks; do
  if [ "$s" = generated ]; then run_generated; continue; fi
  [ -d "deploy/compose/$s" ] || die "no stack deploy/compose/$s"
  run_stack "$s"
done

# --- the chart's pods: podman kube play on the rendered external-mode Deployment --------------------------
if [ -z "${CONTAINER_CHECK_SKIP_KUBE:-}" ]; then
  "$repo/tests/deploy/kube-play.sh" "$work" && ok "chart: podman kube play of the rendered external-mode Deployment served the tool call" \
    || bad "chart: podman kube play (see the lines above for why)"
fi

say "---- summary"
for r in "${results[@]}"; do echo "  $r"; done
say "$passed passed, $failed failed"
if [ "$failed" != 0 ]; then exit 1; fi
