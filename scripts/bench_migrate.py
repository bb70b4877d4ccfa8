"""Benchmark tflearn-migrate: against tf_upgrade_v2, against the libcst floor, and its scaling.

    python scripts/bench_migrate.py                       # every section, default sizes
    python scripts/bench_migrate.py --corpus ~/tflearn/examples --sections corpus tree
    python scripts/bench_migrate.py --sections large --lines 1000 5000 20000 --json b.json

Sections (every figure is wall clock of a subprocess, as a user runs it - the tool's modules
compiled first, as an installed package has them - best of --repeat):
  corpus   ``tflearn-migrate DIR --out OUT`` (default --jobs) vs ``tf_upgrade_v2 --intree DIR
           --outtree OUT`` on each --corpus directory, in the same run; plus the floor:
           libcst parse + print of the same files (one process), and the ratios.
  tree     the same on a generated tree of --tree-files tflearn / TF1 files.
  large    one generated file of each --lines size: seconds, peak memory (max RSS) and cost
           per 1,000 lines side by side, with the parse + print floor of the same file.
  many     --many tiny files (default 2,000) against a tenth of them: peak memory of the
           worker processes must stay flat (steady memory), files per second.
  startup  one small file, end to end (interpreter start included).
The load average (``os.getloadavg``) is printed with each section: the machine is shared.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TEMPLATES = [
    '''"""CNN classifier {i}."""
from __future__ import division, print_function, absolute_import
import tflearn
from tflearn.layers.core import input_data, dropout, fully_connected
from tflearn.layers.conv import conv_2d, max_pool_2d
from tflearn.layers.estimator import regression

def build(n_classes={c}):
    network = input_data(shape=[None, 28, 28, 1], name='input')
    network = conv_2d(network, {f}, 3, activation='relu', regularizer="L2")
    network = max_pool_2d(network, 2)
    network = conv_2d(network, {f2}, 3, activation='relu', regularizer="L2")
    network = max_pool_2d(network, 2)
    network = fully_connected(network, 128, activation='tanh')
    network = dropout(network, 0.8)
    network = fully_connected(network, n_classes, activation='softmax')
    network = regression(network, optimizer='adam', learning_rate=0.01,
                         loss='categorical_crossentropy', name='target')
    return network

model = tflearn.DNN(build(), tensorboard_verbose=0)
model.fit(X, Y, n_epoch={e}, validation_set=0.1, show_metric=True, batch_size=64)
model.save('cnn_{i}.tflearn')
''',
    '''"""MLP {i}."""
import tflearn

net = tflearn.input_data(shape=[None, {c}0])
net = tflearn.fully_connected(net, {f}, activation='relu')
net = tflearn.dropout(net, 0.5)
net = tflearn.fully_connected(net, {f2}, activation='relu')
net = tflearn.fully_connected(net, 2, activation='softmax')
net = tflearn.regression(net, optimizer='sgd', learning_rate=0.1, loss='categorical_crossentropy')
model = tflearn.DNN(net)
model.fit(data, labels, n_epoch={e}, batch_size=16, show_metric=True)
pred = model.predict(data[:10])
''',
    '''"""TF1 classifier {i}."""
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 64])
y = tf.placeholder(tf.float32, [None, 10])
h = tf.layers.dense(x, {f}, activation=tf.nn.relu)
logits = tf.layers.dense(h, 10)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range({e}):
        for i in range(0, len(X), 32):
            sess.run(train_op, feed_dict={{x: X[i:i + 32], y: Y[i:i + 32]}})
''',
]


def make_tree(root: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for i in range(n):
        sub = root / f"pkg{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        t = TEMPLATES[i % len(TEMPLATES)]
        (sub / f"model_{i}.py").write_text(t.format(
            i=i, c=rng.randint(2, 9), f=rng.choice([16, 32, 64]), f2=rng.choice([32, 64, 128]),
            e=rng.randint(1, 20)), encoding="utf-8")


def make_large(path: Path, n_lines: int, seed: int = 0) -> None:
    """One file of about ``n_lines`` lines: the templates' bodies as functions under one
    import block (a generated model zoo)."""
    import textwrap

    rng = random.Random(seed)
    head = ("import numpy as np\nimport tensorflow as tf\nimport tflearn\n"
            "from tflearn.layers.core import input_data, dropout, fully_connected\n"
            "from tflearn.layers.conv import conv_2d, max_pool_2d\n"
            "from tflearn.layers.estimator import regression\n\n")
    out, count, i = [head], head.count("\n"), 0
    while count < n_lines:
        t = TEMPLATES[i % len(TEMPLATES)].format(
            i=i, c=rng.randint(2, 9), f=rng.choice([16, 32, 64]), f2=rng.choice([32, 64, 128]),
            e=rng.randint(1, 20))
        body = "\n".join(l for l in t.splitlines() if not l.startswith(("import", "from", '"""')))
        block = f"\n\ndef main_{i}(X, Y, data, labels):\n" + textwrap.indent(body.strip("\n"), "    ") + "\n"
        out.append(block)
        count += block.count("\n")
        i += 1
    path.write_text("".join(out), encoding="utf-8")


TINY = "import tflearn\n\nnet = tflearn.input_data(shape=[None, {n}])\nnet = tflearn.fully_connected(net, {k}, activation='relu')\n"

CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from migrator.cli import main
rc = main(sys.argv[1:])
s, w = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
r, c = s.ru_maxrss, w.ru_maxrss
cpu = s.ru_utime + s.ru_stime + w.ru_utime + w.ru_stime  # this process + its (joined) workers
print(json.dumps({"rc": rc, "rss_mb": max(r, c) / 1024, "self_mb": r / 1024, "workers_mb": c / 1024,
                  "tree_cpu_s": cpu}), file=sys.stderr)
"""

FLOOR = """
import json, resource, sys, time
import libcst as cst
t0 = time.perf_counter()
n = 0
for p in sys.argv[1:]:
    src = open(p, encoding="utf-8").read()
    n += len(cst.parse_module(src).code)
print(json.dumps({"work_s": time.perf_counter() - t0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), file=sys.stderr)
"""


SRC = [ROOT]  # the migrator source tree benchmarked (--src: e.g. an older checkout)


def _env() -> dict:
    # as a user runs it: Python reads the compiled modules (an installed package has them; an
    # environment with PYTHONDONTWRITEBYTECODE=1 would compile every module of the tool - about
    # 0.4 s - at every start, while tf_upgrade_v2 reads TensorFlow's compiled ones)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(SRC[0]), "TF_CPP_MIN_LOG_LEVEL": "3"}


def compile_tree(src: Path) -> None:
    """Compile the benchmarked tree's modules once, as ``pip install`` does."""
    import compileall

    compileall.compile_dir(str(src / "migrator"), quiet=1)


def run_once(cmd: list[str]) -> dict:
    """Run ``cmd``: wall seconds, exit code, and the JSON object its stderr ends with (its
    own figures: peak memory, or ``work_s`` - the time of the measured work alone)."""
    import resource

    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # cwd = the benchmarked tree: ``python -c`` puts the cwd first on sys.path
    p = subprocess.run(cmd, capture_output=True, text=True, env=_env(), cwd=SRC[0])
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out: dict = {"seconds": time.perf_counter() - t0, "rc": p.returncode,
                 "cpu_s": (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)}
    tail = p.stderr.strip().splitlines()[-1:]
    if tail and tail[0].startswith("{"):
        try:
            out.update({k: v for k, v in json.loads(tail[0]).items() if k not in out})
        except ValueError:
            pass
    out["cpu_s"] = max(out["cpu_s"], out.get("tree_cpu_s", 0.0))
    if p.returncode not in (0, 4) or out.get("rc") not in (0, 4, None):
        print(f"  ! {' '.join(cmd[:4])}... exit {p.returncode}: {p.stderr[-800:]}", file=sys.stderr)
    return out


def best(cmd_for, repeat: int, clean: list[Path] = ()) -> dict:
    runs = []
    for _ in range(repeat):
        for d in clean:
            if d.is_dir():
                shutil.rmtree(d, ignore_errors=True)
            else:
                d.unlink(missing_ok=True)
        runs.append(run_once(cmd_for()))
    return min(runs, key=lambda r: r["seconds"])


def migrate_cmd(paths: list[Path], out: Path, jobs: int | None) -> list[str]:
    cmd = [sys.executable, "-c", CHILD, *map(str, paths), "--out", str(out), "-q"]
    return cmd + (["--jobs", str(jobs)] if jobs else [])


def py_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def load() -> str:
    try:
        return "load %.2f %.2f %.2f" % os.getloadavg()
    except OSError:  # pragma: no cover
        return "load ?"


def compare_tree(name: str, tree: Path, tmp: Path, args, upgrade: str | None) -> dict:
    files = py_files(tree)
    lines = sum(p.read_text(encoding="utf-8", errors="replace").count("\n") for p in files)
    print(f"\n[{name}] {len(files)} files, {lines} lines; {load()}")
    row = {"name": name, "files": len(files), "lines": lines}
    out = tmp / f"out_{name}"
    mig = best(lambda: migrate_cmd([tree], out, args.jobs), args.repeat, [out])
    row["migrate_s"] = mig["seconds"]
    row["migrate_cpu_s"] = mig["cpu_s"]
    print(f"  tflearn-migrate (--jobs {args.jobs or 'default'}) {mig['seconds']:8.2f} s  "
          f"{len(files) / mig['seconds']:7.1f} files/s  CPU {mig['cpu_s']:.1f} s  peak {mig.get('rss_mb', 0):.0f} MB")
    floor = best(lambda: [sys.executable, "-c", FLOOR, *map(str, files)], args.repeat)
    row["floor_s"] = floor["work_s"]
    print(f"  libcst parse+print floor (1 process) {row['floor_s']:8.2f} s  "
          f"-> migrate / floor = {row['migrate_s'] / row['floor_s']:.1f}x")
    if upgrade:
        up = tmp / f"up_{name}"
        u = best(lambda: [upgrade, "--intree", str(tree), "--outtree", str(up), "--reportfile",
                          str(tmp / f"up_{name}.txt")], args.repeat, [up])
        row["tf_upgrade_v2_s"] = u["seconds"]
        row["tf_upgrade_v2_cpu_s"] = u["cpu_s"]
        row["speedup_vs_tf_upgrade_v2"] = u["seconds"] / mig["seconds"]
        row["cpu_ratio_vs_tf_upgrade_v2"] = u["cpu_s"] / mig["cpu_s"] if mig["cpu_s"] else None
        # (on a shared machine the wall ratio follows the load; the CPU ratio is the steadier figure)
        print(f"  tf_upgrade_v2                        {u['seconds']:8.2f} s  CPU {u['cpu_s']:.1f} s  "
              f"-> tflearn-migrate is {row['speedup_vs_tf_upgrade_v2']:.2f}x as fast (target >= 2x; "
              f"CPU {row['cpu_ratio_vs_tf_upgrade_v2'] or 0:.2f}x); {load()}")
    return row


def large(tmp: Path, args) -> list[dict]:
    print(f"\n[large] one generated file; {load()}")
    print(f"  {'lines':>7} {'seconds':>8} {'CPU s':>7} {'peak MB':>8} {'ms/line':>8} {'floor s':>8} {'floor ms/line':>13} {'x floor':>7}")
    rows = []
    for n in args.lines:
        src = tmp / f"large_{n}.py"
        make_large(src, n)
        real = src.read_text(encoding="utf-8").count("\n")
        out = tmp / f"large_{n}_out.py"
        r = best(lambda: migrate_cmd([src], out, 1), args.repeat, [out])
        f = best(lambda: [sys.executable, "-c", FLOOR, str(src)], args.repeat)
        f["seconds"] = f["work_s"]
        row = {"lines": real, "seconds": r["seconds"], "cpu_s": r["cpu_s"], "rss_mb": r.get("rss_mb"),
               "ms_per_line": 1000 * r["seconds"] / real, "floor_s": f["seconds"],
               "floor_ms_per_line": 1000 * f["seconds"] / real, "floor_rss_mb": f.get("rss_mb")}
        rows.append(row)
        print(f"  {real:7d} {r['seconds']:8.2f} {r['cpu_s']:7.1f} {r.get('rss_mb', 0):8.0f} {row['ms_per_line']:8.2f} "
              f"{f['seconds']:8.2f} {row['floor_ms_per_line']:13.2f} {r['seconds'] / f['seconds']:7.1f}")
    return rows


def many(tmp: Path, args) -> list[dict]:
    print(f"\n[many] tiny files, --jobs {args.jobs or 'default'}; {load()}")
    rows = []
    for n in sorted({max(1, args.many // 10), args.many}):
        tree = tmp / f"many_{n}"
        for i in range(n):
            sub = tree / f"d{i // 100}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"m{i}.py").write_text(TINY.format(n=i % 50 + 1, k=i % 7 + 2), encoding="utf-8")
        out = tmp / f"many_{n}_out"
        r = best(lambda: migrate_cmd([tree], out, args.jobs), args.repeat, [out])
        rows.append({"files": n, "seconds": r["seconds"], "cpu_s": r["cpu_s"], "workers_mb": r.get("workers_mb"),
                     "main_mb": r.get("self_mb")})
        print(f"  {n:6d} files {r['seconds']:8.2f} s {n / r['seconds']:7.1f} files/s  CPU {r['cpu_s']:.1f} s  "
              f"peak worker {r.get('workers_mb', 0):.0f} MB, main process {r.get('self_mb', 0):.0f} MB")
    return rows


def startup(tmp: Path, args) -> dict:
    src = tmp / "small.py"
    src.write_text(TINY.format(n=8, k=2), encoding="utf-8")
    # (the output is removed before each run: an existing one makes the run a quick usage error)
    r = best(lambda: migrate_cmd([src], tmp / "small_keras.py", None), max(3, args.repeat),
             clean=[tmp / "small_keras.py"])
    bare = best(lambda: [sys.executable, "-c", "pass"], max(3, args.repeat))
    print(f"\n[startup] one 4-line file end to end: {r['seconds']:.2f} s, CPU {r['cpu_s']:.2f} s (target < 0.5 s; "
          f"bare interpreter {bare['seconds']:.2f} s); {load()}")
    return {"seconds": r["seconds"], "cpu_s": r["cpu_s"], "interpreter_s": bare["seconds"]}


SECTIONS = ("corpus", "tree", "large", "many", "startup")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    ap.add_argument("--corpus", type=Path, nargs="*", default=[],
                    help="directories of real code (e.g. tflearn's examples/)")
    ap.add_argument("--tree-files", type=int, default=500)
    ap.add_argument("--lines", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--many", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=None, help="tflearn-migrate --jobs (default: its default)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per figure (the best is kept)")
    ap.add_argument("--no-tf-upgrade", action="store_true", help="skip tf_upgrade_v2")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--src", type=Path, default=ROOT,
                    help="migrator source tree to run (default: this checkout; e.g. an older one to compare)")
    args = ap.parse_args()
    SRC[0] = args.src.resolve()
    compile_tree(SRC[0])
    upgrade = shutil.which("tf_upgrade_v2") or str(Path(sys.executable).with_name("tf_upgrade_v2"))
    upgrade = None if args.no_tf_upgrade or not Path(upgrade).exists() else upgrade
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, migrator from {SRC[0]}, {load()}")
    results: dict = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bench-migrate-") as t:
        tmp = Path(t)
        if "corpus" in args.sections:
            results["corpus"] = [compare_tree(c.resolve().name, c.resolve(), tmp, args, upgrade)
                                 for c in args.corpus]
        if "tree" in args.sections:
            tree = tmp / "tree"
            make_tree(tree, args.tree_files)
            results["tree"] = compare_tree(f"generated-{args.tree_files}", tree, tmp, args, upgrade)
        if "large" in args.sections:
            results["large"] = large(tmp, args)
        if "many" in args.sections:
            results["many"] = many(tmp, args)
        if "startup" in args.sections:
            results["startup"] = startup(tmp, args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
