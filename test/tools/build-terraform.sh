#!/usr/bin/env bash
# Prints the path of a real Terraform CLI: one already on PATH (e.g. an operator-installed release), or one built
# once from its Go module and cached (no prebuilt downloads are reachable on these machines).
set -euo pipefail
if [ -n "${STRATA_TERRAFORM_BIN:-}" ]; then echo "$STRATA_TERRAFORM_BIN"; exit 0; fi
if command -v terraform >/dev/null 2>&1; then command -v terraform; exit 0; fi
version="${TERRAFORM_VERSION:-v1.5.7}"
cache="${STRATA_TOOLS_CACHE:-$HOME/.cache/strata-tools}"
bin="$cache/terraform-$version"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
mkdir -p "$cache"
dir=$(cd "$cache" && GOFLAGS=-mod=mod go mod download -json "github.com/hashicorp/terraform@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -n "$dir" ] || { echo "could not download terraform $version" >&2; exit 1; }
(cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin.tmp" .) >&2
mv "$bin.tmp" "$bin"
echo "$bin"
