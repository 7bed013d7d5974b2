#!/usr/bin/env python3
"""gen_tenants.py N OUTDIR

Writes N tenant files for the shipped tiers (tiers/), deterministic (tenant i depends only on i):
a realistic mix of tiers (40% free, 30% standard, 20% premium, 10% enterprise), regions,
environments, compliance sets and overrides, like the shipped examples. Every tenant compiles,
and is written in `tenantc fmt`'s canonical layout (the benchmark times `fmt --check` on them).
"""
import os
import random
import sys

TIERS = ["free", "standard", "premium", "enterprise"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1"]
ADJ = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Hooli", "Vandelay", "Tyrell"]
NOUN = ["Logistics", "Health", "Finance", "Retail", "Media", "Energy", "Foods", "Labs", "Systems", "Travel"]


def tenant(i):
    r = random.Random(7919 * i + 3)
    tier = r.choices(TIERS, weights=[40, 30, 20, 10])[0]
    rank = TIERS.index(tier)
    region = r.choice(REGIONS)
    env = r.choices(["production", "staging", "development"], weights=[60, 25, 15])[0]
    tid = "t%06d" % i
    name = "%s %s %d" % (r.choice(ADJ), r.choice(NOUN), i)
    lines = [f"tenant {tid} extends {tier} {{",
             "  tenant_info {",
             f'    tenant_name = "{name}"',
             f'    region = "{region}"',
             f'    environment = "{env}"']
    if r.random() < 0.4:
        lines.append(f'    contact_email = "ops@{tid}.example.com"')
    lines.append("  }")

    regs = []
    if region.startswith("eu") or r.random() < 0.2:
        regs.append("GDPR")
    # HIPAA and PCI-DSS need encryption and TLS (on by default from standard; not in development).
    if env != "development" and r.random() < 0.15:
        regs.append("HIPAA")
    if env != "development" and r.random() < 0.1:
        regs.append("PCI-DSS")
    if rank >= 1 and r.random() < 0.15:
        regs.append("SOX")
    if regs:
        lines.append("  compliance.regulations = [" + ", ".join(f'"{x}"' for x in regs) + "]")
        if "HIPAA" in regs or "PCI-DSS" in regs:
            if rank == 0:
                lines.append("  security.encryption.enabled = true")
                lines.append("  security.ssl.required = true")
        if "SOX" in regs:
            lines.append("  compliance.auditing.retention = 7y")
        elif "HIPAA" in regs:
            lines.append("  compliance.auditing.retention = 6y")

    if r.random() < 0.25:
        ips = ", ".join('"203.0.%d.%d/32"' % (r.randrange(256), r.randrange(1, 255)) for _ in range(r.randint(1, 3)))
        lines.append(f"  security.network.allowed_ips = super + [{ips}]")
    if rank >= 1 and r.random() < 0.2:
        lines.append(f"  backup.retention = {r.choice([14, 45, 60, 120])}d")
    if rank >= 2 and r.random() < 0.25:
        lines.append("  databases.postgresql.performance {")
        lines.append(f"    max_connections = {r.choice([150, 175, 200])}")
        lines.append(f"    shared_buffers = {r.choice(['512MiB', '1GB', '2GiB'])}")
        lines.append("  }")
    if r.random() < 0.15:
        lines.append(f'  monitoring.custom_metrics = [{{ name = "business_kpis", retention = {r.choice(["90d", "1y", "2y"])} }}]')
    if r.random() < 0.1:
        lines.append('  monitoring.metrics = super + ["tenant_qps"]')
    if rank >= 1 and r.random() < 0.1:
        lines.append("  performance_tier.qos.burst_iops = super * 2")
    if rank == 3 and r.random() < 0.3:
        others = [x for x in REGIONS if x != region]
        regions = [region] + r.sample(others, 2)
        lines.append("  multi_region {")
        lines.append("    enabled = true")
        lines.append("    regions = [" + ", ".join(f'"{x}"' for x in regions) + "]")
        lines.append("  }")
        if any(x.startswith("eu") for x in regions):
            lines += ["  compliance.data_residency {", "    enabled = true", '    requirements = ["EU_GDPR"]', "  }"]
    lines.append("}")
    return tid, "\n".join(lines) + "\n"


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        tid, text = tenant(i)
        with open(os.path.join(out, tid + ".tenant"), "w") as f:
            f.write(text)
    print(f"wrote {n} tenants to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
