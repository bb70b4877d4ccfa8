"""Spell the same TF1 programs the other ways real code spells them, and see what the migration
makes of each spelling (issue 10: the held-out programs are written by other people).

    python scripts/spelling_variants.py [FILE ...] [--only NAME,NAME] [--list]

FILE defaults to the real-world and held-out fixtures (``tests/fixtures/realworld/*.py``,
``tests/fixtures/heldout_*/*.py``). Each VARIANT rewrites a fixture's text into another spelling of
the same TF1 program (``import tensorflow.compat.v1 as tf`` + ``tf.disable_v2_behavior()``, the
optimizer bound to a name before ``minimize``, a step counter given to ``minimize``, a session made
inside ``def main():`` (or ``def main(_):`` run by ``tf.app.run()``, or a
``train_model()`` that main calls), a ``ConfigProto`` with ``allow_growth``, ``tf.logging.set_verbosity`` ...);
a variant that does not apply to a file (its pattern is absent) is skipped. Every applied variant is
migrated (default fixes) and compared with the fixture's own migration: a line is printed when the
variant leaves MORE TODO markers, more error diagnostics, output that does not parse, or output a
second run changes. No line: every spelling migrates as well as the fixture does. Text rewriting
by regular expressions: a variant is a cheap probe, not a parser (read the variant's text when a
line looks odd: ``--show NAME FILE``)."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import libcst as cst  # noqa: E402

from migrator import TODO_MARKER  # noqa: E402
from migrator.engine import migrate_source  # noqa: E402
from migrator.options import Options  # noqa: E402

_SESSION_STARTS = ("with tf.Session() as sess:", "sess = tf.Session()", "sess = tf.InteractiveSession()")


def _flatten_with(s: str, first: str) -> str:
    """``with tf.Session() as sess:`` + its block -> ``first`` + the block dedented."""
    lines, out, i, done = s.split("\n"), [], 0, False
    while i < len(lines):
        if not done and lines[i].startswith("with tf.Session() as sess:"):
            out.append(first)
            i += 1
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                out.append(lines[i][4:] if lines[i].startswith("    ") else lines[i])
                i += 1
            done = True
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _tail_into(s: str, header: str, footer: str = "") -> str:
    """Everything from the module-level session on, moved under ``header`` (the graph stays global)."""
    lines = s.split("\n")
    for k, line in enumerate(lines):
        if line.startswith(_SESSION_STARTS):
            body = ["    " + x if x.strip() else x for x in lines[k:]]
            return "\n".join(lines[:k] + [header] + body) + footer
    return s


def _growth(m: re.Match) -> str:
    i, session = m.group(1), m.group(2)
    return (f"{i}config = tf.ConfigProto()\n{i}config.gpu_options.allow_growth = True\n"
            f"{i}{session.replace('Session()', 'Session(config=config)')}")


VARIANTS = {
    "compat_v1": lambda s: s.replace("import tensorflow as tf\n",
                                     "import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n", 1),
    "compat_prefix": lambda s: re.sub(r"\btf\.(layers|placeholder|Session|train|variable_scope|get_variable|"
                                      r"global_variables_initializer)\b", r"tf.compat.v1.\1", s)
    if "import tensorflow as tf\n" in s else s,
    "float_str": lambda s: re.sub(r"tf\.placeholder\(tf\.float32", 'tf.placeholder("float"', s),
    "shape_kw": lambda s: re.sub(r"tf\.placeholder\((tf\.\w+), (\[[^\]]*\])", r"tf.placeholder(\1, shape=\2", s),
    "init_all": lambda s: s.replace("tf.global_variables_initializer()", "tf.initialize_all_variables()"),
    "init_run": lambda s: s.replace("sess.run(tf.global_variables_initializer())",
                                    "tf.global_variables_initializer().run()"),
    "reduction_indices": lambda s: re.sub(r"(tf\.reduce_(?:sum|mean)\([^()]*(?:\([^()]*\)[^()]*)*), (?:axis=)?(1|-1)\)",
                                          r"\1, reduction_indices=\2)", s),
    "keep_dims": lambda s: s.replace("keepdims=True", "keep_dims=True"),
    "math_ns": lambda s: re.sub(r"\btf\.(reduce_sum|reduce_mean|sqrt|square|maximum|log|exp|abs)\(", r"tf.math.\1(", s),
    "sub_fn": lambda s: re.sub(r"tf\.square\((\w+) - (\w+)\)", r"tf.square(tf.subtract(\1, \2))", s),
    "l2norm_dim": lambda s: re.sub(r"tf\.nn\.l2_normalize\(([^,()]+), (?:axis=)?(1|-1)\)", r"tf.nn.l2_normalize(\1, dim=\2)", s),
    "dense_pos_act": lambda s: re.sub(r"(tf\.layers\.dense\([^,()]+, [^,()=]+), activation=(tf\.nn\.\w+)", r"\1, \2", s),
    "xavier": lambda s: re.sub(r"(tf\.layers\.dense\([^()\n]*?)\)",
                               r"\1, kernel_initializer=tf.contrib.layers.xavier_initializer())", s, count=2)
    if "kernel_initializer" not in s else s,
    "adam_kw": lambda s: re.sub(r"tf\.train\.AdamOptimizer\(([^=()]+?)\)", r"tf.train.AdamOptimizer(learning_rate=\1)", s),
    "optimizer_name": lambda s: re.sub(r"^(\s*)(\w+) = (tf\.train\.\w+Optimizer\([^\n]*\))\.minimize\(([^\n]*)\)$",
                                       r"\1optimizer = \3\n\1\2 = optimizer.minimize(\4)", s, flags=re.M),
    "global_step": lambda s: re.sub(r"^(\s*)(\w+) = (tf\.train\.\w+Optimizer\([^\n]*\))\.minimize\((\w+)\)$",
                                    r"\1global_step = tf.Variable(0, trainable=False, name='global_step')\n"
                                    r"\1\2 = \3.minimize(\4, global_step=global_step)", s, flags=re.M),
    "name_scope_loss": lambda s: re.sub(r"^loss = ([^\n]*)$", r"with tf.name_scope('loss'):\n    loss = \1", s,
                                        count=1, flags=re.M),
    "feed_name": lambda s: re.sub(r"^(\s*)(.*)sess\.run\(([^\n]*), feed_dict=(\{[^\n{}]*\})\)$",
                                  r"\1feed = \4\n\1\2sess.run(\3, feed_dict=feed)", s, count=1, flags=re.M),
    "saver": lambda s: re.sub(r"^(\s*)(sess\.run\(tf\.global_variables_initializer\(\)\))$",
                              r"\1saver = tf.train.Saver()\n\1\2", s, count=1, flags=re.M),
    "logging": lambda s: s.replace("import tensorflow as tf\n",
                                   "import tensorflow as tf\ntf.logging.set_verbosity(tf.logging.ERROR)\n", 1),
    "seed": lambda s: s.replace("import tensorflow as tf\n", "import tensorflow as tf\ntf.set_random_seed(1234)\n", 1)
    if "set_random_seed" not in s else s,
    "config_soft": lambda s: s.replace("tf.Session()", "tf.Session(config=tf.ConfigProto(allow_soft_placement=True))"),
    "gpu_growth": lambda s: re.sub(r"^(\s*)(with tf\.Session\(\) as sess:|sess = tf\.(?:Interactive)?Session\(\))",
                                   _growth, s, count=1, flags=re.M),
    "interactive_flat": lambda s: _flatten_with(s, "sess = tf.InteractiveSession()"),
    "session_flat": lambda s: _flatten_with(s, "sess = tf.Session()"),
    "main_fn": lambda s: _tail_into(s, "def main():", "\n\nif __name__ == '__main__':\n    main()\n"),
    "main_guard": lambda s: _tail_into(s, "if __name__ == '__main__':"),
    "app_run": lambda s: _tail_into(s, "def main(_):", "\n\nif __name__ == '__main__':\n    tf.app.run()\n"),
    "train_fn": lambda s: _tail_into(s, "def train_model():", "\n\ndef main():\n    train_model()\n\n\n"
                                     "if __name__ == '__main__':\n    main()\n") if "train_model" not in s else s,
    "six_xrange": lambda s: s.replace("import numpy as np\n", "import numpy as np\nfrom six.moves import xrange\n", 1)
    .replace("in range(", "in xrange(") if "import numpy as np\n" in s else s,
}


def _measure(src: str) -> tuple[int, int, bool, bool]:
    r = migrate_source(src, "variant.py", Options())
    out = r.code if r.code is not None else src
    errors = sum(1 for d in r.diagnostics if getattr(d.severity, "value", d.severity) == "error")
    try:
        cst.parse_module(out)
    except cst.ParserSyntaxError:
        return out.count(TODO_MARKER), errors, False, False
    again = migrate_source(out, "variant.py", Options()).code
    return out.count(TODO_MARKER), errors, True, again in (None, out)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--only", help="comma-separated variant names")
    ap.add_argument("--list", action="store_true", help="list the variants and exit")
    ap.add_argument("--show", nargs=2, metavar=("NAME", "FILE"), help="print one variant's text and exit")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(VARIANTS))
        return 0
    if args.show:
        print(VARIANTS[args.show[0]](Path(args.show[1]).read_text()))
        return 0
    names = args.only.split(",") if args.only else list(VARIANTS)
    files = args.files or sorted((ROOT / "tests" / "fixtures" / "realworld").glob("*.py")) + sorted(
        (ROOT / "tests" / "fixtures").glob("heldout_*/*.py"))
    applied = worse = 0
    for f in files:
        src = f.read_text()
        if "tensorflow" not in src:
            continue
        base = None
        for name in names:
            variant = VARIANTS[name](src)
            if variant == src:
                continue
            try:
                cst.parse_module(variant)
            except cst.ParserSyntaxError:
                continue  # (a rewrite that broke the text: not a spelling of the program)
            base = base or _measure(src)
            todo, errors, parses, stable = _measure(variant)
            applied += 1
            if todo > base[0] or errors > base[1] or not parses or not stable:
                worse += 1
                print(f"{f.parent.name}/{f.name}\t{name}\tTODO {base[0]} -> {todo}\terrors {base[1]} -> {errors}"
                      f"\tparses={parses}\tsecond run unchanged={stable}", flush=True)
    print(f"{applied} variants applied, {worse} migrate worse than their fixture")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
