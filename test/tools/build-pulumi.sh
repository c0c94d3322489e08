#!/usr/bin/env bash
# Builds a real Pulumi CLI from its Go modules (the CLI is not downloadable here, and the npm `pulumi` package only
# fetches it at run time) and caches it. pkg/v3's go.mod replaces sdk/v3 with ../sdk, so both modules of the same
# version are downloaded and laid side by side before `go build ./cmd/pulumi` inside pkg/. The version is set at
# link time: the Automation API refuses a CLI that reports no version.
# Next to the binary it writes `pulumi-resource-pulumi-nodejs`, the executable the engine starts for Pulumi dynamic
# providers (the official distribution ships one); it runs @pulumi/pulumi's dynamic-provider entry point with node.
# Prints the installation root: `<root>/bin` holds both (put it on PATH, or pass the root to the Automation API's
# `PulumiCommand.get({ root })`, which runs `<root>/bin/pulumi` with `<root>/bin` first on PATH).
set -euo pipefail
version="${PULUMI_VERSION:-v3.274.1}"
cache="${STRATA_TOOLS_CACHE:-$HOME/.cache/strata-tools}"
dir="$cache/pulumi-$version"
bin="$dir/bin/pulumi"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "the Pulumi CLI is built from its Go modules: install Go (1.25 or newer) or put a pulumi v${version#v} on PATH" >&2; exit 1; }
  mkdir -p "$dir/bin"
  download() {
    (cd "$cache" && GOFLAGS=-mod=mod go mod download -json "$1@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  }
  pkg=$(download github.com/pulumi/pulumi/pkg/v3)
  sdk=$(download github.com/pulumi/pulumi/sdk/v3)
  [ -n "$pkg" ] && [ -n "$sdk" ] || { echo "could not download pulumi pkg/sdk $version" >&2; exit 1; }
  work=$(mktemp -d "$cache/pulumi-src.XXXXXX")
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  cp -r "$pkg" "$work/pkg" && cp -r "$sdk" "$work/sdk" && chmod -R u+w "$work"
  (cd "$work/pkg" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "$bin.tmp" ./cmd/pulumi) >&2
  mv "$bin.tmp" "$bin"
fi
# The shim is rewritten each time so it points at this checkout's @pulumi/pulumi (PULUMI_NODEJS_SDK overrides).
sdkdir="${PULUMI_NODEJS_SDK:-$(cd "$repo" && node -p "require('node:path').dirname(require.resolve('@pulumi/pulumi/package.json'))")}"
shim="$dir/bin/pulumi-resource-pulumi-nodejs"
printf '#!/bin/sh\nexec node "%s/cmd/dynamic-provider/index.js" "$@"\n' "$sdkdir" > "$shim.tmp.$$"
chmod +x "$shim.tmp.$$" && mv "$shim.tmp.$$" "$shim"
echo "$dir"
