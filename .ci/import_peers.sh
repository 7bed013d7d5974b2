#!/usr/bin/env bash
# .ci/import_peers.sh PEERS PYTHON TENANTC
# The peers' benchmark suite (PEERS, read only) writes its 1,000-tenant workload as the seed
# system does: `gen.py` the inputs, `seed.py` one resolved YAML document per tenant, through
# PyYAML. Those documents are imported against bench/tiers/, the imported tenants built, and
# the suite's own verify.py compares the build with the documents, tenant by tenant. PYTHON
# has PyYAML with libyaml.
set -euo pipefail
peers=$1 python=$2 tenantc=$3
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$peers" "$work/suite"
"$python" "$work/suite/gen.py" 1000 "$work/gen" >/dev/null
"$python" "$work/suite/seed.py" "$work/gen/seed" "$work/out/seed-c" >/dev/null
mkdir "$work/imported"
"$tenantc" import "$work/out/seed-c" --tiers bench/tiers -o "$work/imported" 2>&1 | tail -5 || true
imported=$(find "$work/imported" -name '*.tenant' | wc -l)
if [ "$imported" != 1000 ]; then
  echo "ci: tenantc import wrote $imported of the 1000 seed documents" >&2
  exit 1
fi
"$tenantc" build "$work/imported" --tiers bench/tiers -o "$work/out/tenantc" --color never >/dev/null
rm -f "$work/out/tenantc/.tenantc-manifest"
"$python" "$work/suite/verify.py" "$work/out" seed-c | tee "$work/verify.txt"
grep -q "^OK  tenantc  *1000 tenants" "$work/verify.txt"
