#!/bin/sh
# One-shot namespace setup (temporalio/admin-tools image), run once the server is healthy: creates the
# namespace Strata uses and registers Strata's Keyword search attributes. The worker registers the same
# attributes at start-up; doing it here as well means the api can never start a workflow that carries them
# before they exist. Idempotent: existing namespace and attributes are left as they are.
set -eu

address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${STRATA_NAMESPACE:-default}"
retention="${STRATA_NAMESPACE_RETENTION:-168h}"

attempt=0
until temporal operator cluster health --address "$address"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 12 ]; then
    echo "Temporal at $address did not become healthy" >&2
    exit 1
  fi
  sleep 5
done

if ! temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
  temporal operator namespace create --address "$address" --namespace "$namespace" --retention "$retention"
fi

# A new namespace takes several seconds to reach every server cache; until then it reads as "not found".
attempt=0
until existing="$(temporal operator search-attribute list --address "$address" --namespace "$namespace")"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 12 ]; then
    echo "Namespace $namespace did not become available" >&2
    exit 1
  fi
  sleep 5
done
for name in StrataKind StrataOrg StrataArtifact StrataVersion StrataWorkspace; do
  if ! printf '%s\n' "$existing" | grep -qw "$name"; then
    temporal operator search-attribute create --address "$address" --namespace "$namespace" --name "$name" --type Keyword
  fi
done
echo "Namespace $namespace is ready"
