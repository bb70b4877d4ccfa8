"""The engine's invariant (migrator/analysis/bindings.py): no dangling names, nothing dropped.

* unit tests of the check itself (it must find what it is there to find);
* the data-loss bugs of issue 10, each with a fixture in tests/fixtures/invariant/;
* 0 violations on every corpus file of the repository, in both modes.
"""
from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider, ScopeProvider

from migrator import TODO_MARKER
from migrator.analysis import bindings
from migrator.engine import migrate_source
from migrator.options import Options
from migrator.runner import imported_names, run
from tests.marks import marker_above
from tests import migrate_cache

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "invariant"
INVARIANT_IDS = {bindings.DANGLING_ID, bindings.DROPPED_ID, bindings.ATTRIBUTE_ID}


def violations(before: str, after: str, exports=()) -> list[bindings.Violation]:
    """The check run independently of the engine: input facts from a fresh analysis."""
    src = cst.parse_module(before)
    meta = MetadataWrapper(src, unsafe_skip_copy=True).resolve_many([ScopeProvider, ParentNodeProvider])
    facts = bindings.InputFacts(src, meta[ScopeProvider], meta[ParentNodeProvider])
    full = bindings.check(facts, cst.parse_module(after), exports)
    # the engine's cheap first look (symtable) must never call a broken output clean
    quick = bindings.check(facts, cst.parse_module(after), exports, code=after)
    assert names(quick) == names(full)
    return full


def names(vs) -> list[tuple[str, str]]:
    return sorted((v.rule, v.name) for v in vs)


def marked(code: str, pattern: str, rule: str) -> bool:
    """``pattern`` occurs on a line that carries (or follows) a TODO marker of ``rule``."""
    lines = code.splitlines()
    for i, line in enumerate(lines):
        if re.search(pattern, line):
            here = f"{TODO_MARKER}: {rule}" in line
            above = f"{TODO_MARKER}: {rule}" in marker_above(lines, i)  # (wrapped: its first line)
            if here or above:
                return True
    return False


# -- the check ---------------------------------------------------------------------------

def test_check_finds_a_removed_binding_per_scope():
    before = "def f():\n    W = 1\n    return W\n\ndef g():\n    W = 2\n    return W\n"
    after = "def f():\n    return W\n\ndef g():\n    W = 2\n    return W\n"
    vs = violations(before, after)
    assert names(vs) == [("TFM010", "W")]
    assert vs[0].line == 2
    assert [type(b).__name__ for b in vs[0].binders] == ["SimpleStatementLine"]  # f's W = 1


def test_check_ignores_names_the_input_already_read_unbound():
    src = "print(undefined_before, __file__, len([]))\n"
    assert violations(src, src) == []
    assert names(violations("x = 1\nprint(x)\n", "print(x)\n")) == [("TFM010", "x")]


def test_check_class_scope_is_not_visible_from_methods():
    before = "class A:\n    k = 1\n    def f(self):\n        return self.k\n"
    after = "class A:\n    k = 1\n    def f(self):\n        return k\n"
    assert names(violations(before, after)) == [("TFM010", "k")]


def test_check_attributes_set_in_the_input_and_still_read():
    before = ("class M:\n    def __init__(self):\n        self.sess = make()\n        self.n = 1\n"
              "    def run(self):\n        return self.sess.run(self.n)\n")
    after = ("class M:\n    def __init__(self):\n        self.n = 1\n"
             "    def run(self):\n        return self.sess.run(self.n)\n")
    vs = violations(before, after)
    assert names(vs) == [("TFM012", "self.sess")]
    # an attribute the input never set itself (a base class outside the file) is not judged
    other = "class M(Base):\n    def run(self):\n        return self.sess\n"
    assert violations(other, other) == []


def test_check_star_imports_cover_only_while_present():
    before = "from tflearn.layers.core import *\nnet = input_data(shape=[None, 4], dtype=tf.float32)\n"
    after = "import keras\nnet = keras.Input(shape=(4,), dtype=tf.float32)\n"
    assert names(violations(before, after)) == [("TFM010", "tf")]
    # a name no tflearn module provides was unbound in the input already: not ours
    before = "from tflearn.layers.core import *\ny = f(input_data(shape=[None, 4]))\n"
    after = "import keras\ny = f(keras.Input(shape=(4,)))\n"
    assert violations(before, after) == []


def test_check_module_names_other_modules_import():
    before = "x = 1\ny = 2\n"
    after = "x = 1\n"
    assert violations(before, after) == []  # nobody imports y
    assert names(violations(before, after, exports={"y"})) == [("TFM011", "y")]
    assert names(violations("__all__ = ['y']\n" + before, "__all__ = ['y']\n" + after)) == [("TFM011", "y")]


def test_quick_look_agrees_with_the_scope_analysis():
    cases = [
        ("def f(x):\n    y = 1\n    def g():\n        return x + y\n    return g\n",
         "def f(x):\n    def g():\n        return x + y\n    return g\n"),
        ("G = 0\ndef f():\n    global G\n    G = 1\ndef h():\n    return G\n",
         "def f():\n    global G\n    G = 1\ndef h():\n    return G\n"),
        ("import os\nz = [os.sep for _ in range(2)]\n", "z = [os.sep for _ in range(2)]\n"),
        ("class A:\n    k = 1\n    j = [k]\n", "class A:\n    j = [k]\n"),
    ]
    for before, after in cases:
        violations(before, after)  # asserts the two agree
    assert names(violations(*cases[0])) == [("TFM010", "y")]
    assert violations(*cases[1]) == []  # G is bound by `global G; G = 1`
    assert names(violations(*cases[2])) == [("TFM010", "os")]
    assert names(violations(*cases[3])) == [("TFM010", "k")]


def test_imported_names_across_files():
    ex = dict(imported_names(["from model import x, labels as L\n", "from .pkg.model import (\n  loss,\n)\n",
                              "from tools import *\n"]))
    assert ex["model"] == ("labels", "loss", "x")
    assert ex["tools"] == ("*",)
    assert Options(exports=tuple(ex.items())).exports_of("/a/b/model.py") == {"labels", "loss", "x"}


# -- the bugs of issue 10 ------------------------------------------------------------------

def migrate(name: str, fixes: bool = True):
    path = FIX / name
    res = migrate_cache.migrate_file(path, fixes)
    assert res.status == "migrated", res.reason
    assert not [d for d in res.diagnostics if d.rule in INVARIANT_IDS], [d.format() for d in res.diagnostics]
    assert violations(path.read_text(), res.code) == []
    again = migrate_cache.migrate_source(res.code, str(path), Options(fixes=fixes))
    assert again.code == res.code  # a kept statement stays kept: a second run changes nothing
    return res


def test_session_saver_summary_attributes_are_kept_while_used():
    code = migrate("siamese_class.py").code
    for stmt in (r"self\.sess = tf\.Session\(\)", r"self\.saver = tf\.train\.Saver\(\)",
                 r"self\.merged = tf\.summary\.merge_all\(\)"):
        assert re.search(stmt, code), stmt
    assert marked(code, r"self\.sess = tf\.Session\(\)", "TFM013")
    assert marked(code, r"self\.saver = tf\.train\.Saver\(\)", "TFM013")
    assert "self.saver.save(self.sess, path)" in code


def test_dropout_from_a_placeholder_attribute_is_marked():
    code = migrate("siamese_class.py").code
    assert "keras.layers.Dropout(1 - self.keep_prob)" not in code
    assert marked(code, r"tf\.nn\.dropout\(h, self\.keep_prob\)", "TFM134")


def test_keras_optimizer_minimize_is_marked():
    # TFM140 marks a TF1 optimizer step it does not translate; the engine's TFM133 marker is the
    # fallback where TFM140 is not selected. Either way the line is never left unmarked.
    for select, rule in ((None, "TFM140"), (frozenset({"TFM133"}), "TFM133")):
        code = migrate_source((FIX / "sgd_minimize.py").read_text(), "sgd_minimize.py",
                              Options(select=select)).code
        assert marked(code, r"keras\.optimizers\.SGD\(learning_rate=lr\)\.minimize\(loss\)", rule)
        assert marked(code, r"opt\.compute_gradients\(loss\)", rule)
    code = migrate("siamese_class.py").code
    # TFM144 marks a train op built inside a model class with the reason the class stays TF1
    assert any(marked(code, r"\.minimize\(self\.loss\)", r) for r in ("TFM133", "TFM140", "TFM144"))


def test_variable_scope_kept_while_its_name_is_read():
    for fixes in (True, False):
        code = migrate("siamese_script.py", fixes).code
        assert marked(code, r'with tf\.variable_scope\("embed"\) as scope:', "TFM013")
        assert 'print("built", scope.name)' in code


def test_variables_are_resolved_per_scope():
    code = migrate("handmade_two_functions.py").code
    fc = code[code.index("def fc"):code.index("def head")]
    # fc's `+ b` is its parameter, not head's bias variable: a bias-free Dense plus b
    assert "use_bias=False" in fc and ")(x) + b)" in fc
    assert "get_variable" not in fc and "W" not in fc.replace("TruncatedNormal", "")
    head = code[code.index("def head"):code.index("x = ")]
    assert "keras.layers.Dense(1, bias_initializer=keras.initializers.Constant(0.0))(h)" in head


def test_tf_from_a_star_import_does_not_dangle():
    code = migrate("star_tf.py").code
    # `tf` came from `from tflearn.layers.core import *`: translated where possible, and the
    # line that still needs it keeps the star import that binds it
    assert "dtype=tf.float32" not in code
    assert marked(code, r"^w = tf\.float32", "TFM100")
    assert re.search(r"^from tflearn\.layers\.core import \*", code, re.M)


def test_star_import_replaced_by_the_plain_imports_it_provided():
    src = "from tflearn.data_utils import *\nX = np.zeros((4, 2))\nY = to_categorical([0, 1, 0, 1], 2)\n"
    res = migrate_source(src, "x.py")
    assert "from tflearn" not in res.code
    assert re.search(r"^import numpy as np$", res.code, re.M)
    assert violations(src, res.code) == []


def test_list_feeds_become_arrays():
    code = migrate("list_feeds.py").code
    assert "m.fit(np.asarray(X), np.asarray(Y_nand)," in code
    assert "m.predict(np.asarray([[0., 1.]]), verbose=0)" in code
    # arrays are left as they are
    src = (FIX / "list_feeds.py").read_text().replace("X = [[0., 0.], [0., 1.], [1., 0.], [1., 1.]]",
                                                     "X = load()")
    assert "m.fit(X, np.asarray(Y_nand)," in migrate_source(src, "l.py").code


def test_module_level_placeholder_imported_by_another_module(tmp_path):
    res = run([FIX / "pkg"], mode="out", options=Options(), out=tmp_path / "out", jobs=1)
    by_name = {Path(r.path).name: r for r in res.results}
    assert not [d for r in by_name.values() for d in r.diagnostics if d.rule in INVARIANT_IDS]
    model = (tmp_path / "out" / "model.py").read_text()
    assert marked(model, r"^labels = tf\.placeholder", "TFM013")
    assert re.search(r"^train_op = ", model, re.M)
    again = run([tmp_path / "out"], mode="check", options=Options(), jobs=1)
    assert [r.status for r in again.results] == ["unchanged", "unchanged"]


# -- every corpus file, both modes ----------------------------------------------------------

CORPUS = [ROOT / "tests" / "fixtures", ROOT / "reference_models" / "legacy"]


@pytest.mark.slow  # time, not TensorFlow: every fixture migrated (the fast tier checks each rule's cases)
@pytest.mark.parametrize("fixes", [True, False], ids=["fixes", "no-fixes"])
def test_no_violation_on_the_corpus(tmp_path, fixes, monkeypatch):
    # the runner in this process (its worker processes are tested in test_cli), each file
    # migrated once per run (tests/migrate_cache.py): the other corpus tests read the same
    # migrations; the runner's per-file options (the corpus's exports) are in the cache key
    import migrator.engine

    monkeypatch.setattr(migrator.engine, "migrate_source", migrate_cache.migrate_source)
    res = run(CORPUS, mode="out", options=Options(fixes=fixes), out=tmp_path / "out", jobs=1)
    results = res.results
    assert len(results) >= 40
    bad = [d.format() for r in results for d in r.diagnostics if d.rule in INVARIANT_IDS]
    assert bad == []
    assert not [r.path for r in results if r.status == "failed"]


@pytest.mark.slow
def test_list_feeds_run_under_keras3(tmp_path):
    """tflearn took Python lists in fit/predict; the migrated script must too (Keras 3 alone
    would read a list as several inputs)."""
    import os
    import subprocess
    import sys

    code = migrate("list_feeds.py").code
    script = tmp_path / "list_feeds_keras.py"
    script.write_text(code)
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                          timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "[[" in proc.stdout  # the prediction of one row was printed


def test_a_star_imported_program_keeps_the_model_its_train_op_became(tmp_path: Path, capsys):
    # tflearn's examples/extending_tensorflow/layers.py migrated in a run where another module
    # does ``from layers import *``: every top-level name is exported, so the invariant kept the
    # train-op line; the statements the rule had put in its place (``model = keras.Model(..)``,
    # ``model.compile(..)``) went with the kept line's undoing and ``model.train_on_batch`` read
    # an unbound name (TFM010 error in the output)
    from migrator.cli import main

    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    (src / "a" / "layers.py").write_text(
        "import numpy as np\nimport tensorflow as tf\n\n"
        "X = tf.placeholder(tf.float32, [None, 4])\nY = tf.placeholder(tf.float32, [None, 2])\n"
        "net = tf.layers.dense(X, 2)\n"
        "loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=net, labels=Y))\n"
        "optimizer = tf.train.AdamOptimizer(learning_rate=0.01).minimize(loss)\n"
        "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
        "    for i in range(2):\n"
        "        sess.run(optimizer, feed_dict={X: np.zeros((8, 4)), Y: np.ones((8, 2)) / 2})\n")
    (src / "b" / "user.py").write_text("from layers import *\nprint(optimizer)\n")
    assert main([str(src), "--out", str(tmp_path / "out"), "--jobs", "1", "--no-config"]) == 0
    err = capsys.readouterr().err
    assert "TFM010" not in err and "TFM013" in err  # the exported names stay, marked
    out = (tmp_path / "out" / "a" / "layers.py").read_text()
    assert "model = keras.Model(" in out and "model.train_on_batch(" in out
    assert out.index("model = keras.Model(") < out.index("model.train_on_batch(")
    assert main([str(tmp_path / "out"), "--check", "-q", "--jobs", "1", "--no-config"]) == 0
