#!/usr/bin/env bash
# Builds a real OpenTofu CLI from its Go module (no prebuilt downloads are reachable here) and caches it.
# OpenTofu's go.mod carries `replace` directives, so `go install …@version` refuses it: download the module
# source and build ./cmd/tofu inside it instead. Prints the binary's path.
set -euo pipefail
version="${TOFU_VERSION:-v1.10.6}"
cache="${STRATA_TOOLS_CACHE:-$HOME/.cache/strata-tools}"
bin="$cache/tofu-$version"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
mkdir -p "$cache"
dir=$(cd "$cache" && GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -n "$dir" ] || { echo "could not download opentofu $version" >&2; exit 1; }
(cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin.tmp" ./cmd/tofu) >&2
mv "$bin.tmp" "$bin"
echo "$bin"
