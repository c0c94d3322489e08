#!/usr/bin/env bash
# Usage: build-provider.sh [version]
# Builds a real Terraform provider from its Go module for the platforms the provider fixtures publish, and caches
# the binaries. Prints the cache directory, laid out as <dir>/<os>_<arch>/terraform-provider-<type>_v<version>.
#
# Why hashicorp/time and not hashicorp/null: the null provider's v3 tags are not valid versions of its module path
# (its go.mod has no /v3 suffix), so the Go module proxy only serves its 2017 v1.0.0, which speaks the retired
# plugin protocol 4. The time provider is versioned v0.x, so its releases are on the proxy; it is a small
# plugin-framework provider speaking protocol 5, like the null provider.
set -euo pipefail
module="github.com/hashicorp/terraform-provider-time"
type="time"
version="${1:-0.14.2}"
platforms=("linux_amd64" "darwin_arm64")
cache="${STRATA_TOOLS_CACHE:-$HOME/.cache/strata-tools}"
out="$cache/terraform-provider-${type}_v${version}"
binary="terraform-provider-${type}_v${version}"

missing=()
for platform in "${platforms[@]}"; do
  [ -x "$out/$platform/$binary" ] || missing+=("$platform")
done
if [ ${#missing[@]} -eq 0 ]; then echo "$out"; exit 0; fi

mkdir -p "$out"
dir=$(cd "$cache" && GOFLAGS=-mod=mod go mod download -json "$module@v$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -n "$dir" ] || { echo "could not download $module v$version" >&2; exit 1; }
for platform in "${missing[@]}"; do
  mkdir -p "$out/$platform"
  # Build to a temporary name and rename, so an interrupted build never leaves a cached half-written binary.
  (cd "$dir" && CGO_ENABLED=0 GOOS="${platform%_*}" GOARCH="${platform#*_}" \
    go build -trimpath -ldflags "-s -w" -o "$out/$platform/$binary.tmp" .) >&2
  mv "$out/$platform/$binary.tmp" "$out/$platform/$binary"
done
echo "$out"
