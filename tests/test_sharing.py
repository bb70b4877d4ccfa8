"""Sharing analysis (migrator/analysis/sharing.py) against TF1's own semantics, and what
TFM205 / TFM201 make of each verdict.

Fixtures: tests/fixtures/sharing/*.py, each written after a public repository (its docstring
says which) and declaring ``TF1_VERDICT`` and its variable counts. Fast tests check the
analysis and the migrated code; the slow test proves each verdict in the legacy runtime by
counting the trainable variables TF1 creates (and the ValueError where TF1 raises).
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.analysis.sharing import Sharing
from tests.migrate_cache import migrate_source  # one migration per input and run
from migrator.options import Options
from tests.sharing_snippets import SNIPPETS
from tests.test_tf1_program import analyse

ROOT = Path(__file__).resolve().parents[1]
DIR = ROOT / "tests" / "fixtures" / "sharing"
FIXTURES = sorted(p.name for p in DIR.glob("[a-z]*.py"))
# the tower builder of each fixture (the function whose calls are the towers)
BUILDER = {"evildj_variable_reuse.py": "siamese", "stonekong_function_reuse.py": "Siamese",
           "yoon28_class_flag.py": "build_model", "imironhead_auto_reuse.py": "build_encoder",
           "kym343_class_flag.py": "forward_network", "sanku_text_triplet.py": "conv_net",
           "dariocazzani_named_layers.py": "network", "ivan_tflearn_reuse.py": "network"}


def constants(name: str) -> dict:
    """The fixture's upper-case constants, read without importing it (it imports TF)."""
    out: dict = {}
    for node in ast.parse((DIR / name).read_text()).body:
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            t = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(t, ast.Name) and t.id.isupper():
                v = ast.literal_eval(node.value)
                out[t.id] = out.get(t.id, 0) + v if isinstance(node, ast.AugAssign) else v
    return out


def migrated(name: str, fixes: bool):
    return migrate_source((DIR / name).read_text(), str(DIR / name), Options(wrap_lines=False, fixes=fixes))


def groups(src: str):
    ctx, _ = analyse(src)
    return ctx.analysis(Sharing).groups


def test_every_fixture_has_a_builder():
    assert set(FIXTURES) == set(BUILDER)


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_verdict(name):
    c = constants(name)
    gs = [g for g in groups((DIR / name).read_text()) if g.name == BUILDER[name]]
    assert len(gs) == 1, [(g.name, g.verdict) for g in gs]
    g = gs[0]
    assert g.verdict == c["TF1_VERDICT"], (g.verdict, g.shared, g.unshared, g.error)
    assert g.executions == c.get("TOWERS", 2)


@pytest.mark.parametrize("sid,src,verdict,count,runs", SNIPPETS, ids=[s[0] for s in SNIPPETS])
def test_snippet_verdict(sid, src, verdict, count, runs):
    gs = groups(src)
    assert len(gs) == 1, [(g.name, g.verdict) for g in gs]
    assert gs[0].verdict == verdict, (gs[0].shared, gs[0].unshared, gs[0].error)
    if sid.startswith("loop"):
        assert gs[0].in_loop and gs[0].executions == 2


def test_layers_stacked_in_a_builder_are_not_towers():
    src = ("import tensorflow as tf\n"
           "def fc(x, n, name):\n"
           "    with tf.variable_scope(name):\n"
           "        w = tf.get_variable('w', [3, n])\n"
           "        return tf.matmul(x, w)\n"
           "def tower(x):\n"
           "    h = fc(x, 4, 'fc1')\n"
           "    return fc(h, 2, 'fc2')\n"
           "a = tower(x1)\n"
           "b = tower(x2)\n")
    gs = groups(src)
    assert [(g.name, g.verdict) for g in gs] == [("tower", "raises")]
    assert "already exists" in gs[0].error


_STACKED = (
    "import tensorflow as tf\n"
    "def dense(x, n_in, n_out, name):\n"
    "    with tf.variable_scope(name):\n"
    "        w = tf.get_variable('w', [n_in, n_out])\n"
    "        return tf.matmul(x, w)\n"
    "a = tf.placeholder(tf.float32, [None, 4])\n"
    "b = tf.placeholder(tf.float32, [None, 4])\n"
    "y = tf.placeholder(tf.float32, [None])\n"
    "{towers}"
    "loss = tf.reduce_mean(tf.square(tf.reduce_sum(tf.square(ea - eb), 1) - y))\n"
    "train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n")
_NESTED = ("    ea = dense(dense(a, 4, 8, 'h'), 8, 2, 'o')\n{between}"
           "    eb = dense(dense(b, 4, 8, 'h'), 8, 2, 'o')\n")


@pytest.mark.parametrize("towers", [
    "with tf.variable_scope('tower', reuse=tf.AUTO_REUSE):\n" + _NESTED.format(between=""),
    "with tf.variable_scope('tower') as scope:\n" + _NESTED.format(between="    scope.reuse_variables()\n"),
    "with tf.variable_scope('tower', reuse=tf.AUTO_REUSE):\n    ha = dense(a, 4, 8, 'h')\n"
    "    ea = dense(ha, 8, 2, 'o')\n    hb = dense(b, 4, 8, 'h')\n    eb = dense(hb, 8, 2, 'o')\n",
], ids=["nested_auto_reuse", "nested_reuse_variables", "named_auto_reuse"])
@pytest.mark.parametrize("fixes", [False, True])
def test_layer_helpers_stacked_under_reuse_are_no_unshared_towers(towers, fixes):
    """Two towers written out of a get_variable layer helper under one reuse scope: TF1 shares
    'tower/h/w' and 'tower/o/w'. Before, the helper calls nested in one expression were taken for
    a tower builder "creating new weights each time" - faithful output two unshared towers (a
    silent change), fixed output an encoder of the outer calls only. Now nothing reports unshared
    towers and the reuse scope keeps its TODO (no translation of this form yet)."""
    res = migrate_source(_STACKED.format(towers=towers), "m.py", Options(wrap_lines=False, fixes=fixes))
    assert not [d for d in res.diagnostics if d.rule == "TFM201"]
    assert [d for d in res.diagnostics if d.rule == "TFM138" and d.todo]
    assert "encoder = " not in res.code and "encoder(" not in res.code


def test_layer_helpers_stacked_without_reuse_stay_unshared():
    """The same towers made of tf.Variable weights: TF1 shares nothing (TFM201 still reports)."""
    src = _STACKED.format(towers="ea = dense(dense(a, 4, 8, 'h'), 8, 2, 'o')\n"
                                 "eb = dense(dense(b, 4, 8, 'h'), 8, 2, 'o')\n")
    src = src.replace("tf.get_variable('w', [n_in, n_out])", "tf.Variable(tf.zeros([n_in, n_out]))")
    res = migrate_source(src, "m.py", Options(wrap_lines=False, fixes=False))
    assert [d for d in res.diagnostics if d.rule == "TFM201"]


def test_the_analysis_ignores_options():
    """A pure function of the source: the same verdicts whatever rules are selected."""
    src = (DIR / "sanku_text_triplet.py").read_text()
    res = [migrate_source(src, "m.py", Options(wrap_lines=False, fixes=f, select=sel))
           for f, sel in ((True, None), (False, None), (True, frozenset({"TFM201"})))]
    assert all(any(d.rule == "TFM201" for d in r.diagnostics) for r in res)


# ---------------------------------------------------------------------------------------
# what the rules make of the verdicts
# ---------------------------------------------------------------------------------------

def _calls_of(code: str, builder: str) -> int:
    """Calls of the builder in the migrated code (its def excluded; the fresh tower of
    ``encoder(x) if flag else builder(x, ...)`` - TF1's ``reuse=flag`` false - not counted)."""
    tree = ast.parse(code)
    n = 0
    fresh = {id(node.orelse) for node in ast.walk(tree) if isinstance(node, ast.IfExp)
             and isinstance(node.body, ast.Call) and isinstance(node.body.func, ast.Name)
             and node.body.func.id.startswith("encoder")}
    for node in ast.walk(tree):
        if id(node) in fresh:
            continue
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == builder) or (isinstance(f, ast.Attribute) and f.attr == builder):
                n += 1
    return n


def _encoders(code: str) -> int:
    return code.count("keras.Model(encoder_input")


@pytest.mark.parametrize("name", FIXTURES)
def test_faithful_output_keeps_tf1_towers(name):
    """--no-fixes: one encoder where TF1 shared, the towers as written where it did not."""
    c = constants(name)
    res = migrated(name, False)
    towers = c.get("TOWERS", 2)
    rules = {d.rule: d for d in res.diagnostics}
    if c["TF1_VERDICT"] == "shared":
        assert _encoders(res.code) == 1 and _calls_of(res.code, BUILDER[name]) == 1, res.code
        assert res.code.count("encoder(") >= towers
        assert "TFM205" in rules and "TFM201" not in rules
    else:
        assert _encoders(res.code) == 0 and _calls_of(res.code, BUILDER[name]) == towers
        assert "TFM205" not in rules
        assert "TFM201" in rules and not rules["TFM201"].fixed
        assert c["TF1_VERDICT"] in ("partial", "raises") or "shares nothing" in rules["TFM201"].message


def test_reuse_flag_keeps_both_tf1_programs():
    """``build_model(x_2, varscope, sharing)``: TF1 shared only when ``sharing`` was true - the
    faithful output applies the encoder then and builds a fresh tower otherwise; the class
    program around it translates whole (no TODO)."""
    res = migrated("yoon28_class_flag.py", False)
    assert "self.h2 = encoder(self.x_2) if sharing else self.build_model(self.x_2, varscope, sharing)" in res.code
    assert "TODO(tflearn-migrate)" not in res.code, res.code
    assert "TF1Variable([1, 32]" in res.code  # alpha: a weight read by tf.multiply


@pytest.mark.parametrize("name", [n for n in FIXTURES if constants(n)["TF1_VERDICT"] != "shared"])
def test_unshared_pairs_become_one_encoder_with_fixes(name):
    res = migrated(name, True)
    d = [d for d in res.diagnostics if d.rule == "TFM201"]
    assert len(d) == 1, [x.message for x in d]
    if "the TF1 program around them stays TF1" in d[0].message:
        # TFM140 keeps this program TF1 as a whole (one of its sess.run calls is not
        # translated): a Keras encoder inside it would be half a translation, so the pair is
        # reported, not fixed, and the towers stay as written
        assert not d[0].fixed and _encoders(res.code) == 0
        assert "TODO(tflearn-migrate): TFM140" in res.code
        return
    assert d[0].fixed, d[0].message
    assert _encoders(res.code) == 1 and _calls_of(res.code, BUILDER[name]) == 1


@pytest.mark.parametrize("name", FIXTURES)
def test_migrated_fixture_is_idempotent_and_parses(name):
    for fixes in (True, False):
        res = migrated(name, fixes)
        compile(res.code, name, "exec")
        assert migrate_source(res.code, str(DIR / name), Options(wrap_lines=False, fixes=fixes)).code == res.code


# ---------------------------------------------------------------------------------------
# TF1 itself (legacy runtime)
# ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_verdicts_hold_in_tf1(tmp_path):
    """Run every fixture and snippet in the legacy runtime and count the trainable variables
    TF1 created: shared towers hold ONE set, unshared ones one set per tower, partial ones
    the declared overlap; "raises" is a ValueError while building the graph."""
    snippet_files = []
    for sid, src, verdict, count, runs in SNIPPETS:
        if runs:
            p = tmp_path / f"snippet_{sid}.py"
            p.write_text(src)
            snippet_files.append(p)
    files = [DIR / n for n in FIXTURES] + snippet_files
    out = tmp_path / "tf1.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, str(DIR / "_tf1_variables.py"), str(out), *map(str, files)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(out.read_text())
    for name in FIXTURES:
        c, r = constants(name), res[name]
        towers, tower, shared = c.get("TOWERS", 2), c["TOWER_VARIABLES"], c["SHARED_VARIABLES"]
        verdict = c["TF1_VERDICT"]
        assert (r["error"] is not None) == (verdict == "raises"), (name, r["error"])
        if verdict == "raises":
            want = tower + c["HEAD_VARIABLES"] * 0   # the first tower only: the second one raised
        else:
            want = towers * tower - (towers - 1) * shared + c["HEAD_VARIABLES"]
        assert r["trainable"] == want, (name, r["trainable"], want, r["names"])
        if verdict == "shared":
            assert shared == tower
        elif verdict == "unshared":
            assert shared == 0
    for sid, src, verdict, count, runs in SNIPPETS:
        if runs:
            r = res[f"snippet_{sid}.py"]
            assert (r["error"] is not None) == (verdict == "raises"), (sid, r["error"])
            assert r["trainable"] == count, (sid, r["names"])
