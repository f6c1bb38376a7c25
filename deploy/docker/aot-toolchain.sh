#!/usr/bin/env bash
# Installs what Native AOT needs to link mcp-proxy for TARGETARCH in a Debian or Ubuntu .NET SDK image (the
# Dockerfile's build stage runs it; so can a build host of the same kind): clang, and for a cross build the target's
# GNU toolchain (its crt files, libc, libgcc, ld and objcopy: clang links through it with --target; the libc
# headers and crt files are only a recommendation of the cross gcc, so they are named). zlib needs
# nothing: the ILCompiler package links its own static copy. Does nothing when the tools are there already.
#
#   deploy/docker/aot-toolchain.sh TARGETARCH     (amd64 | arm64, as Docker names them)
set -euo pipefail
target=${1:?usage: aot-toolchain.sh amd64|arm64}
case $target in
  amd64) triple=x86_64-linux-gnu package_triple=x86-64-linux-gnu ;;
  arm64) triple=aarch64-linux-gnu package_triple=aarch64-linux-gnu ;;
  *) echo "aot-toolchain.sh: unsupported architecture $target (amd64 or arm64)" >&2; exit 1 ;;
esac

packages=()
command -v clang >/dev/null || packages+=(clang)
if [ "$target" != "$(dpkg --print-architecture)" ] && ! command -v "$triple-gcc" >/dev/null; then
  packages+=("gcc-$package_triple" "binutils-$package_triple" "libc6-dev-$target-cross")
fi
[ ${#packages[@]} -gt 0 ] || exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
rm -rf /var/lib/apt/lists/*
