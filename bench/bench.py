#!/usr/bin/env python3
"""bench.py [N ...] — see bench/README.md. Called by bench/run.sh.

For each N:
  * the shipped workload: N tenants of bench/gen_tenants.py over tiers/;
  * the peers' workload (when PEERS names a writable copy of the peers' benchmark folder):
    the same N tenants every peer compiles, in .tenant form (bench/tiers/, gen_peer_tenants.py),
    with the peers themselves run in the same session and tenantc's output verified against
    theirs with their verify.py.
Each command runs RUNS times (default 3) with a fresh output directory; the median wall time,
tenants/second and peak RSS (/usr/bin/time) are reported, and written to bench/work/results.md.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
RUNS = int(os.environ.get("RUNS", "3"))
SIZE = 0  # the workload size being measured (a single-file check still belongs to it)
PEERS = os.environ.get("PEERS")
PEER_MODES = os.environ.get("PEER_MODES", "seed-c,gojsonnet-batch,kcl-batch,dhall-batch,limit-writefiles,limit-libyaml-emit")
TENANTC = os.environ.get("TENANTC") or os.path.join(ROOT, ".build", "release", "tenantc")


def run(argv, out=None):
    """One run: (wall seconds, peak RSS MiB). Raises on a non-zero exit."""
    if out:
        shutil.rmtree(out, ignore_errors=True)
    with tempfile.NamedTemporaryFile(suffix=".time", delete=False) as tf:
        path = tf.name
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", path, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    with open(path) as f:
        rss = int(f.read().split()[-1]) / 1024
    os.unlink(path)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(argv)}\n{p.stderr.decode()[-2000:]}")
    return wall, rss


def measure(name, argv, n, out=None, runs=RUNS):
    walls, rsss = [], []
    for _ in range(runs):
        w, r = run(argv, out)
        walls.append(w)
        rsss.append(r)
    med = statistics.median(walls)
    row = {"command": name, "n": n, "size": SIZE, "median_s": med, "per_s": n / med, "peak_rss_mib": max(rsss), "walls": walls}
    print(f"  {name:28s} N={n:<7d} {med:8.3f}s  {n / med:10.0f} tenants/s  {max(rsss):7.1f} MiB", flush=True)
    return row


def tenantc_rows(label, tenants, tiers, n, out):
    rows = []
    one = sorted(os.listdir(tenants))[0]
    rows.append(measure(f"{label}: build --emit yaml", [TENANTC, "build", tenants, "--tiers", tiers, "-o", out, "--emit", "yaml"], n, out))
    rows.append(measure(f"{label}: build --emit yaml,json", [TENANTC, "build", tenants, "--tiers", tiers, "-o", out, "--emit", "yaml,json"], n, out))
    rows.append(measure(f"{label}: check (all)", [TENANTC, "check", tenants, "--tiers", tiers], n))
    rows.append(measure(f"{label}: check (one file)", [TENANTC, "check", os.path.join(tenants, one), "--tiers", tiers], 1, runs=max(RUNS, 11)))
    return rows


def peers_setup():
    py = os.path.join(PEERS, ".venv", "bin", "python")
    if not os.path.exists(py):
        subprocess.run(["python3", "-m", "venv", os.path.join(PEERS, ".venv")], check=True)
        subprocess.run([os.path.join(PEERS, ".venv", "bin", "pip"), "install", "-q", "kcl-lib==0.13.2", "gojsonnet==0.22.0", "pyyaml==6.0.4"], check=True)
        subprocess.run([os.path.join(PEERS, ".venv", "bin", "pip"), "install", "-q", "--only-binary", ":all:", "dhall==0.1.15"], check=True)
    subprocess.run(["make", "-s", "-C", os.path.join(PEERS, "limits")], check=True)
    return py


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    os.makedirs(WORK, exist_ok=True)
    rows = []
    verify = {}
    peer_results = []
    if PEERS:
        py = peers_setup()
        print(f"peers: {PEER_MODES} at N={sizes}", flush=True)
        subprocess.run([py, os.path.join(PEERS, "bench.py"), *map(str, sizes), "--runs", str(RUNS), "--only", PEER_MODES], check=True)
        with open(os.path.join(PEERS, "work", "results.json")) as f:
            peer_results = [r for r in json.load(f) if r["n"] in sizes]
    global SIZE
    for n in sizes:
        SIZE = n
        print(f"N={n}", flush=True)
        shipped = os.path.join(WORK, f"shipped-{n}")
        if not os.path.isdir(shipped):
            subprocess.run(["python3", os.path.join(HERE, "gen_tenants.py"), str(n), shipped], check=True)
        rows += tenantc_rows("shipped", shipped, os.path.join(ROOT, "tiers"), n, os.path.join(WORK, f"out-shipped-{n}"))
        if PEERS:
            gen = os.path.join(PEERS, "work", f"gen-{n}")
            tenants = os.path.join(WORK, f"peers-{n}")
            if not os.path.isdir(tenants):
                subprocess.run(["python3", os.path.join(HERE, "gen_peer_tenants.py"), os.path.join(gen, "model.json"), tenants], check=True)
            out = os.path.join(PEERS, "work", f"out-{n}", "tenantc")
            rows += tenantc_rows("peers", tenants, os.path.join(HERE, "tiers"), n, out)
            # Leave the YAML of a last build for verification against the peers' reference.
            run([TENANTC, "build", tenants, "--tiers", os.path.join(HERE, "tiers"), "-o", out, "--emit", "yaml"], out)
            v = subprocess.run([py, os.path.join(PEERS, "verify.py"), os.path.join(PEERS, "work", f"out-{n}"), "seed-c"],
                               capture_output=True, text=True)
            verify[n] = v.stdout.strip()
            print(v.stdout, flush=True)
    report(sizes, rows, peer_results, verify)


def report(sizes, rows, peer_results, verify):
    lines = ["# Benchmark results", "", f"tenantc: `{TENANTC}`; {RUNS} runs per command, median wall time.", ""]
    lines += ["| command | " + " | ".join(f"N={n}" for n in sizes) + " |", "|---|" + "---|" * len(sizes)]
    for name in dict.fromkeys(r["command"] for r in rows):
        cells = []
        for n in sizes:
            r = next((x for x in rows if x["command"] == name and x.get("size") == n), None)
            cells.append(f"{r['median_s']:.3f} s ({r['per_s']:.0f}/s, {r['peak_rss_mib']:.0f} MiB)" if r else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if peer_results:
        lines += ["", "## Peers, same session", "", "| mode | " + " | ".join(f"N={n}" for n in sizes) + " |", "|---|" + "---|" * len(sizes)]
        for mode in dict.fromkeys(r["mode"] for r in peer_results):
            cells = []
            for n in sizes:
                r = next((x for x in peer_results if x["mode"] == mode and x["n"] == n), None)
                if not r or not r.get("ok"):
                    cells.append("–")
                else:
                    extra = " (extrap.)" if r.get("extrapolated") else ""
                    cells.append(f"{r['median_wall_s']:.3f} s ({n / r['median_wall_s']:.0f}/s, {r['peak_rss_mib']:.0f} MiB){extra}")
            lines.append(f"| {mode} | " + " | ".join(cells) + " |")
    if verify:
        lines += ["", "## Equivalence (peers' verify.py)", ""]
        for n, text in verify.items():
            lines += [f"N={n}:", "```", text, "```"]
    path = os.path.join(WORK, "results.md")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
