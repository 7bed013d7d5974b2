#!/usr/bin/env python3
"""gen_peer_tenants.py MODEL_JSON OUTDIR

Writes the peers' benchmark tenants (the `model.json` that the peer benchmark's gen.py makes)
as .tenant files, one per tenant, for bench/tiers/, in `tenantc fmt`'s canonical layout. Overrides set the hidden plan fields;
`security.allowed_ips` appends (`super + [...]`), as the peers' `Append` does.
"""
import json
import os
import sys

APPEND = {("security", "allowed_ips")}


def lit(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    raise TypeError(v)


def overrides(ov, path=()):
    for k, v in ov.items():
        p = path + (k,)
        if isinstance(v, dict):
            yield from overrides(v, p)
        elif p in APPEND:
            yield f"  _{'.'.join(p)} = super + {lit(v)}"
        else:
            yield f"  _{'.'.join(p)} = {lit(v)}"


def tenant(t):
    lines = [f"tenant {t['tenant_id']} extends {t['tier']} {{",
             "  tenant_info {",
             f"    name = {lit(t['name'])}",
             f"    region = {lit(t['region'])}",
             f"    environment = {lit(t['environment'])}",
             f"    cost_center = {lit(t['cost_center'])}",
             "  }",
             f"  _slot = {t['slot']}"]
    if t["regulations"]:
        lines.append(f"  compliance.regulations = {lit(t['regulations'])}")
    lines += list(overrides(t["overrides"]))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    model, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    tenants = json.load(open(model))["tenants"]
    for t in tenants:
        with open(os.path.join(out, t["tenant_id"] + ".tenant"), "w") as f:
            f.write(tenant(t))
    print(f"wrote {len(tenants)} tenants to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
