#!/usr/bin/env bash
# Builds helm-render offline in GOPATH mode against Debian's Go packages and prints the binary's path.
#   apt-get install -y golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev golang-gopkg-yaml.v2-dev
#   tests/deploy/helm-render/build.sh [OUTPUT]
# The default OUTPUT is keyed by the source's hash, so checkouts with different sources never share it.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
out=${1:-${TMPDIR:-/tmp}/mcptunnel-helm-render-$(sha256sum "$src/main.go" | cut -c1-12)/helm-render}
if ! command -v go >/dev/null; then
  echo "helm-render: 'go' not found; install: apt-get install -y golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev golang-gopkg-yaml.v2-dev" >&2
  exit 2
fi
mkdir -p "$(dirname "$out")"
# Rebuild only when the source is newer than the binary.
if [ ! -x "$out" ] || [ "$src/main.go" -nt "$out" ]; then
  export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOTOOLCHAIN=local
  [ -w "${HOME:-/nonexistent}" ] || export GOCACHE=${TMPDIR:-/tmp}/mcptunnel-go-cache
  (cd "$src" && go build -o "$out.tmp.$$" . && mv -f "$out.tmp.$$" "$out")
fi
echo "$out"
