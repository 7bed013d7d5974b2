#!/usr/bin/env python3
"""bench.py [N ...] — see bench/README.md. Called by bench/run.sh.

For each N:
  * the shipped workload: N tenants of bench/gen_tenants.py over tiers/;
  * the peers' workload (when PEERS names a writable copy of the peers' benchmark folder):
    the same N tenants every peer compiles, in .tenant form (bench/tiers/, gen_peer_tenants.py),
    with the peers themselves run in the same session and tenantc's output verified against
    theirs with their verify.py.
Each command runs RUNS times (default 3), each into a new output directory; the median wall
time, tenants/second and peak RSS (/usr/bin/time) are reported, and written to
bench/work/results.md. Peers and tenantc are run by this script the same way.
"""
import hashlib
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
# The batch peers take minutes above this size (and KCL tens of GiB); seed-c always runs.
PEER_MAX_N = int(os.environ.get("PEER_MAX_N", "10000"))
TENANTC = os.environ.get("TENANTC") or os.path.join(ROOT, ".build", "release", "tenantc")
# Another tenantc (an earlier commit's release build): each of tenantc's commands is then run by
# it and by TENANTC in turn, RUNS rounds, so that before and after see the same machine.
BEFORE = os.environ.get("BEFORE")
# Whether BEFORE has `fmt` (older binaries do not): then `fmt --check` is compared too.
FMT_BEFORE = bool(BEFORE) and subprocess.run([BEFORE, "fmt", "--help"], stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL).returncode == 0
EXPLAIN_BEFORE = bool(BEFORE) and subprocess.run([BEFORE, "explain", "--help"], stdout=subprocess.DEVNULL,
                                                  stderr=subprocess.DEVNULL).returncode == 0
# Whether BEFORE has the provisioning backends (`--emit postgres,redis`).
PROVISION_BEFORE = bool(BEFORE) and "postgres" in subprocess.run([BEFORE, "build", "--help"], capture_output=True, text=True).stdout


def warm(argv, out):
    """Reads what a command reads (every existing file or directory among its arguments but
    its output) into the page cache. This machine drops pages nobody touched for a while, and a
    run that finds its inputs gone waits on the disk: seconds for 10,000 files, which would
    measure the disk, not the tool. Every command, peer or tenantc, is measured warm."""
    for a in argv:
        if a == out or not os.path.exists(a):
            continue
        paths = [a] if os.path.isfile(a) else [os.path.join(r, f) for r, _, fs in os.walk(a) for f in fs]
        for f in paths:
            try:
                with open(f, "rb") as h:
                    while h.read(1 << 20):
                        pass
            except OSError:
                pass


def run(argv, out=None):
    """One run: (wall seconds, peak RSS MiB). Raises on a non-zero exit.

    Each run writes to a directory that did not exist, and nothing is deleted between runs:
    on a file system without a journal, ext4 scans past every inode deleted in the last minute
    for each file it creates, which would charge a deletion to the next run (see README)."""
    warm(argv, out)
    with tempfile.NamedTemporaryFile(suffix=".time", delete=False) as tf:
        path = tf.name
    # What earlier runs wrote goes to disk now, not during this run.
    os.sync()
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", path, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    with open(path) as f:
        rss = int(f.read().split()[-1]) / 1024
    os.unlink(path)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(argv)}\n{p.stderr.decode()[-2000:]}")
    global LAST_STDOUT
    LAST_STDOUT = p.stdout.decode(errors="replace")
    return wall, rss


LAST_STDOUT = ""


SCRATCH = []  # output directories of this session, removed at its end


def fresh(out):
    """A new output directory name for `out` (out-1, out-2, …)."""
    k = 1
    while os.path.exists(f"{out}-{k}"):
        k += 1
    SCRATCH.append(f"{out}-{k}")
    return f"{out}-{k}"


def measure(name, argv_for, n, out=None, runs=RUNS, inner=None):
    """argv_for(output_dir or None) -> argv. `inner`: the key of the seconds a floor program
    reports for its timed region (it loads its input first), used instead of the wall time."""
    walls, rsss = [], []
    last = None
    for _ in range(runs):
        last = fresh(out) if out else None
        w, r = run(argv_for(last), last)
        if inner:
            w = json.loads(LAST_STDOUT.strip().splitlines()[-1])[inner]
        walls.append(w)
        rsss.append(r)
    med = statistics.median(walls)
    row = {"command": name, "n": n, "size": SIZE, "median_s": med, "per_s": n / med, "peak_rss_mib": max(rsss),
           "walls": walls, "out": last}
    print(f"  {name:34s} N={n:<7d} {med:8.3f}s  {n / med:10.0f} tenants/s  {max(rsss):7.1f} MiB", flush=True)
    return row


def measure_interleaved(commands, n, runs=RUNS):
    """[(name, argv_for, out)] run in turn, RUNS rounds: commands compared with each other see
    the same machine (this one shares its host, and its speed drifts over minutes)."""
    walls = {name: [] for name, _, _ in commands}
    rsss = {name: [] for name, _, _ in commands}
    last = {}
    for _ in range(runs):
        for name, argv_for, out in commands:
            last[name] = fresh(out) if out else None
            w, r = run(argv_for(last[name]), last[name])
            walls[name].append(w)
            rsss[name].append(r)
    rows = []
    for name, _, _ in commands:
        med = statistics.median(walls[name])
        rows.append({"command": name, "n": n, "size": SIZE, "median_s": med, "per_s": n / med, "peak_rss_mib": max(rsss[name]),
                     "walls": walls[name], "out": last[name]})
        print(f"  {name:34s} N={n:<7d} {med:8.3f}s  {n / med:10.0f} tenants/s  {max(rsss[name]):7.1f} MiB  runs {walls[name]}", flush=True)
    return rows


def tenantc_build_yaml(tenants, tiers):
    return lambda o: [TENANTC, "build", tenants, "--tiers", tiers, "-o", o, "--emit", "yaml"]


def tenantc_rows(label, tenants, tiers, n, out, build_row=None):
    if BEFORE:
        return compared_rows(label, tenants, tiers, n, out)
    rows = []
    one = os.path.join(tenants, sorted(os.listdir(tenants))[0])
    rows.append(build_row or measure(f"{label}: tenantc build --emit yaml", tenantc_build_yaml(tenants, tiers), n, out))
    rows.append(measure(f"{label}: tenantc build --emit yaml,json", lambda o: [TENANTC, "build", tenants, "--tiers", tiers, "-o", o, "--emit", "yaml,json"], n, out + "-json"))
    rows.append(measure(f"{label}: tenantc check (all)", lambda o: [TENANTC, "check", tenants, "--tiers", tiers], n))
    rows.append(measure(f"{label}: tenantc check (one file)", lambda o: [TENANTC, "check", one, "--tiers", tiers], 1, runs=max(RUNS, 11)))
    # A tier edit checked against the project: every tenant whose chain passes through it.
    tier = os.path.join(tiers, "premium.tenant")
    rows.append(measure(f"{label}: tenantc check (one tier file)", lambda o: [TENANTC, "check", tier, "--tiers", tiers], n))
    rows.append(measure(f"{label}: tenantc fmt --check (all)", lambda o: [TENANTC, "fmt", "--check", tenants], n))
    rows.append(measure(f"{label}: tenantc build --emit yaml --annotate", lambda o: [TENANTC, "build", tenants, "--tiers", tiers, "-o", o, "--emit", "yaml", "--annotate"],
                        n, out + "-annotated"))
    # Provisioning's bound is relative to `--emit yaml`: the two run in turn, so that both see
    # the same machine and the same file system (which slows down as it fills up).
    yaml_turn, provisioning = measure_interleaved([
        (f"{label}: tenantc build --emit yaml (in turn with the next)", tenantc_build_yaml(tenants, tiers), out + "-yaml-turn"),
        (f"{label}: tenantc build --emit postgres,redis", lambda o: [TENANTC, "build", tenants, "--tiers", tiers, "-o", o, "--emit", "postgres,redis"],
         out + "-provisioning")], n)
    rows += [yaml_turn, provisioning]
    PROVISIONING.setdefault(label, {})[n] = [p / y for p, y in zip(provisioning["walls"], yaml_turn["walls"])]
    if label == "shipped tiers":
        # The build's own YAML documents imported back (docs/import.md).
        built = rows[0]["out"]
        def import_into(o):
            os.makedirs(o)
            return [TENANTC, "import", built, "--tiers", tiers, "-o", o]
        # Its bound is relative to `--emit yaml` too: the two run in turn.
        build_turn, imported = measure_interleaved([
            (f"{label}: tenantc build --emit yaml (in turn with import)", tenantc_build_yaml(tenants, tiers), out + "-yaml-import-turn"),
            (f"{label}: tenantc import (the build's YAML)", import_into, out + "-imported")], n)
        rows += [build_turn, imported]
        IMPORT.setdefault(label, {})[n] = [i / b for i, b in zip(imported["walls"], build_turn["walls"])]
        # One field of one tenant explained: a formula, scaled in staging.
        rows.append(measure(f"{label}: tenantc explain (one path)", lambda o: [TENANTC, "explain", one, EXPLAINED, "--env", "staging", "--tiers", tiers],
                            1, runs=max(RUNS, 11)))
    return rows


EXPLAINED = "databases.postgresql.resources.cpu"
# label -> N -> each round's `--emit postgres,redis` time over its `--emit yaml` time.
PROVISIONING = {}
# label -> N -> each round's `import` time (the build's YAML) over its `build --emit yaml` time.
IMPORT = {}


def compared_rows(label, tenants, tiers, n, out):
    """With BEFORE: the commands of `tenantc_rows`, each run by BEFORE and by TENANTC in turn,
    and a rebuild into the build's own output directory (every artifact unchanged)."""
    one = os.path.join(tenants, sorted(os.listdir(tenants))[0])
    commands = [
        ("build --emit yaml", lambda exe: lambda o: [exe, "build", tenants, "--tiers", tiers, "-o", o, "--emit", "yaml"], out, n, RUNS),
        ("build --emit yaml,json", lambda exe: lambda o: [exe, "build", tenants, "--tiers", tiers, "-o", o, "--emit", "yaml,json"], out + "-json", n, RUNS),
        ("check (all)", lambda exe: lambda o: [exe, "check", tenants, "--tiers", tiers], None, n, RUNS),
        ("check (one file)", lambda exe: lambda o: [exe, "check", one, "--tiers", tiers], None, 1, max(RUNS, 11)),
        ("check (one tier file)", lambda exe: lambda o: [exe, "check", os.path.join(tiers, "premium.tenant"), "--tiers", tiers], None, n, RUNS),
    ]
    if FMT_BEFORE:
        commands.append(("fmt --check (all)", lambda exe: lambda o: [exe, "fmt", "--check", tenants], None, n, RUNS))
    if EXPLAIN_BEFORE:
        commands.append(("build --emit yaml --annotate", lambda exe: lambda o: [exe, "build", tenants, "--tiers", tiers, "-o", o, "--emit", "yaml", "--annotate"],
                         out + "-annotated", n, RUNS))
    if PROVISION_BEFORE:
        commands.append(("build --emit postgres,redis", lambda exe: lambda o: [exe, "build", tenants, "--tiers", tiers, "-o", o, "--emit", "postgres,redis"],
                         out + "-provisioning", n, RUNS))
    if EXPLAIN_BEFORE and label == "shipped tiers":
        commands.append(("explain (one path)", lambda exe: lambda o: [exe, "explain", one, EXPLAINED, "--env", "staging", "--tiers", tiers],
                         None, 1, max(RUNS, 11)))
    rows = []
    for name, argv_for, o, count, runs in commands:
        rows += measure_interleaved([(f"{label}: before: tenantc {name}", argv_for(BEFORE), o + "-before" if o else None),
                                     (f"{label}: after: tenantc {name}", argv_for(TENANTC), o + "-after" if o else None)], count, runs=runs)
    # Again into the output of the last `build --emit yaml` of each: nothing to write.
    built = {r["command"].split(": ")[1]: r["out"] for r in rows if r["command"].endswith("tenantc build --emit yaml")}
    walls = {"before": [], "after": []}
    rsss = {"before": [], "after": []}
    for _ in range(RUNS):
        for who, exe in (("before", BEFORE), ("after", TENANTC)):
            w, r = run([exe, "build", tenants, "--tiers", tiers, "-o", built[who], "--emit", "yaml"], built[who])
            walls[who].append(w)
            rsss[who].append(r)
    for who in ("before", "after"):
        med = statistics.median(walls[who])
        name = f"{label}: {who}: tenantc build --emit yaml again (all unchanged)"
        rows.append({"command": name, "n": n, "size": SIZE, "median_s": med, "per_s": n / med, "peak_rss_mib": max(rsss[who]),
                     "walls": walls[who], "out": built[who]})
        print(f"  {name:34s} N={n:<7d} {med:8.3f}s  {n / med:10.0f} tenants/s  {max(rsss[who]):7.1f} MiB  runs {walls[who]}", flush=True)
    return rows


def peer_rows(n, gen, out, paired=None):
    """The peers, run here the same way as tenantc (fresh output directories). `paired`: the
    rows of seed-c and tenantc measured in turn (`measure_interleaved`), placed first."""
    py = os.path.join(PEERS, ".venv", "bin", "python")
    modes = {
        "seed-c": lambda o: [py, os.path.join(PEERS, "seed.py"), os.path.join(gen, "seed"), o],
        "gojsonnet-batch": lambda o: [py, os.path.join(PEERS, "run_gojsonnet.py"), "batch", os.path.join(gen, "jsonnet"), o],
        "kcl-batch": lambda o: [py, os.path.join(PEERS, "run_kcl.py"), "batch", os.path.join(gen, "kcl"), o],
        "dhall-batch": lambda o: [py, os.path.join(PEERS, "run_dhall.py"), "batch", os.path.join(gen, "dhall"), o],
    }
    rows = []
    for mode in PEER_MODES.split(","):
        if mode.startswith("limit-") or mode not in modes or (mode == "seed-c" and paired is not None):
            continue
        if mode != "seed-c" and n > PEER_MAX_N:
            print(f"  {mode}: skipped above N={PEER_MAX_N} (PEER_MAX_N)", flush=True)
            continue
        rows.append(measure(f"peers: {mode}", modes[mode], n, os.path.join(out, mode)))
    if paired is not None:
        rows.insert(0, paired[0])
    if not rows:
        return rows
    ref = rows[0]["out"]
    if "limit-libyaml-emit" in PEER_MODES:
        rows.append(measure("peers: floor, libyaml emit to memory", lambda o: [os.path.join(PEERS, "limits", "yamlemit"), ref, o], n,
                            os.path.join(out, "yamlemit"), inner="emit_mem_s"))
    if "limit-writefiles" in PEER_MODES:
        rows.append(measure("peers: floor, write the N files", lambda o: [os.path.join(PEERS, "limits", "writefiles"), ref, o], n,
                            os.path.join(out, "writefiles"), inner="write_s"))
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
    global SIZE
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    os.makedirs(WORK, exist_ok=True)
    rows = []
    verify = {}
    ratios = {}
    py = peers_setup() if PEERS else None
    try:
        for n in sizes:
            SIZE = n
            print(f"N={n}", flush=True)
            # tenantc creates its output directory but not missing parents (a mistyped `-o`
            # is an error): the runs' directories live here.
            os.makedirs(os.path.join(WORK, f"out-{n}"), exist_ok=True)
            # The shipped workload is a project of its own (docs/language.md, "Projects"): the
            # shipped tiers in tiers/, the N tenants in tenants/.
            project = os.path.join(WORK, f"shipped-{n}")
            shipped = os.path.join(project, "tenants")
            # Made again when the generator changed since (its hash is kept beside the tenants).
            generator = os.path.join(HERE, "gen_tenants.py")
            with open(generator, "rb") as f:
                stamp = hashlib.sha256(f.read()).hexdigest()
            stamp_file = os.path.join(project, ".generator")
            if not os.path.isdir(shipped) or not os.path.exists(stamp_file) or open(stamp_file).read() != stamp:
                shutil.rmtree(project, ignore_errors=True)
                subprocess.run(["python3", generator, str(n), shipped], check=True)
                with open(stamp_file, "w") as f:
                    f.write(stamp)
            shutil.rmtree(os.path.join(project, "tiers"), ignore_errors=True)
            shutil.copytree(os.path.join(ROOT, "tiers"), os.path.join(project, "tiers"))
            if PEERS:
                gen = os.path.join(WORK, f"peers-gen-{n}")
                if not os.path.exists(os.path.join(gen, "model.json")):
                    subprocess.run([py, os.path.join(PEERS, "gen.py"), str(n), gen], check=True, stderr=subprocess.DEVNULL)
                tenants = os.path.join(WORK, f"peers-{n}")
                if not os.path.isdir(tenants):
                    subprocess.run(["python3", os.path.join(HERE, "gen_peer_tenants.py"), os.path.join(gen, "model.json"), tenants], check=True)
                # The fastest peer and tenantc's build, in turn: the 20x target compares these two.
                py_seed = [py, os.path.join(PEERS, "seed.py"), os.path.join(gen, "seed")]
                paired = None
                if "seed-c" in PEER_MODES:
                    paired = measure_interleaved([
                        ("peers: seed-c", lambda o: py_seed + [o], os.path.join(WORK, f"out-{n}", "seed-c")),
                        ("peers' workload: tenantc build --emit yaml", tenantc_build_yaml(tenants, os.path.join(HERE, "tiers")),
                         os.path.join(WORK, f"out-{n}", "tenantc")),
                    ], n)
                    ratios[n] = paired[0]["median_s"] / paired[1]["median_s"]
                peers = peer_rows(n, gen, os.path.join(WORK, f"out-{n}"), paired)
                mine = tenantc_rows("peers' workload", tenants, os.path.join(HERE, "tiers"), n, os.path.join(WORK, f"out-{n}", "tenantc"),
                                    build_row=paired[1] if paired else None)
                rows += peers + mine
                if peers:
                    vroot = os.path.join(WORK, f"verify-{n}")
                    shutil.rmtree(vroot, ignore_errors=True)
                    os.makedirs(vroot)
                    os.symlink(peers[0]["out"], os.path.join(vroot, peers[0]["command"].split(": ")[1]))
                    os.symlink(mine[0]["out"], os.path.join(vroot, "tenantc"))
                    v = subprocess.run([py, os.path.join(PEERS, "verify.py"), vroot, peers[0]["command"].split(": ")[1]],
                                       capture_output=True, text=True)
                    verify[n] = v.stdout.strip()
                    print(v.stdout, flush=True)
            rows += tenantc_rows("shipped tiers", shipped, os.path.join(project, "tiers"), n, os.path.join(WORK, f"out-{n}", "shipped"))
            if n >= 1000:
                LSP[n] = lsp_figures(project)
    finally:
        for d in SCRATCH:
            shutil.rmtree(d, ignore_errors=True)
    report(sizes, rows, verify, ratios)


# The language server's figures per N (bench/lsp.py), for TENANTC and, when it has `lsp`, BEFORE.
LSP = {}


def lsp_figures(project):
    out = {}
    for who, exe in (("before", BEFORE), ("after", TENANTC)) if BEFORE else (("tenantc", TENANTC),):
        if subprocess.run([exe, "lsp", "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
            continue
        r = subprocess.run(["python3", os.path.join(HERE, "lsp.py"), exe, project], capture_output=True, text=True, check=True)
        out[who] = json.loads(r.stdout)
        print(f"  lsp ({who}): {out[who]}", flush=True)
    return out


def report(sizes, rows, verify, ratios):
    lines = ["# Benchmark results", "", f"{RUNS} runs per command (11 for a single file), median wall time; peak RSS over the runs.", ""]
    lines += ["| command | " + " | ".join(f"N={n}" for n in sizes) + " |", "|---|" + "---|" * len(sizes)]
    for name in dict.fromkeys(r["command"] for r in rows):
        cells = []
        for n in sizes:
            r = next((x for x in rows if x["command"] == name and x.get("size") == n), None)
            if r is None:
                cells.append("–")
            elif r["n"] == 1:
                cells.append(f"{r['median_s'] * 1000:.1f} ms ({r['peak_rss_mib']:.0f} MiB)")
            else:
                cells.append(f"{r['median_s']:.3f} s ({r['per_s']:.0f}/s, {r['peak_rss_mib']:.0f} MiB)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if ratios:
        lines += ["", "seed-c and tenantc's `build --emit yaml` run in turn; median over median: " +
                  ", ".join(f"N={n}: {r:.1f}x" for n, r in ratios.items())]
    if PROVISIONING:
        lines += ["", "`build --emit postgres,redis` over `build --emit yaml`, run in turn (bound: 1.5x): median of the rounds' ratios (each round's)"]
        for label, by_n in PROVISIONING.items():
            for n, r in by_n.items():
                lines.append(f"- {label}, N={n}: {statistics.median(r):.2f}x ({', '.join(f'{x:.2f}' for x in r)})")
    if IMPORT:
        lines += ["", "`import` of the build's YAML over `build --emit yaml`, run in turn (bound: 2x): median of the rounds' ratios (each round's)"]
        for label, by_n in IMPORT.items():
            for n, r in by_n.items():
                lines.append(f"- {label}, N={n}: {statistics.median(r):.2f}x ({', '.join(f'{x:.2f}' for x in r)})")
    if LSP:
        lines += ["", "## The language server (bench/lsp.py)", "",
                  "| N | who | publish after a tenant edit (median) | tier edit, 50 open tenants re-published (median) | RSS after opening 1,000 files (peak) |",
                  "|---|---|---|---|---|"]
        for n, figures in LSP.items():
            for who, f in figures.items():
                lines.append(f"| {n} | {who} | {f['edit_ms']:.2f} ms | {f['tier_edit_ms']:.1f} ms | {f['rss_mib']:.0f} MiB ({f['hwm_mib']:.0f} MiB) |")
    if verify:
        lines += ["", "## Equivalence (the peers' verify.py, every tenant)", ""]
        for n, text in verify.items():
            lines += [f"N={n}:", "```", text, "```"]
    path = os.path.join(WORK, "results.md")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
