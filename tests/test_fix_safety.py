"""Safe and unsafe fixes (ruff's line): safe fixes cure structural bugs by default, unsafe ones
(data, hyperparameters) only with --unsafe-fixes / --fix ID, and only with evidence; the
default output of a correct program is what the program computed. No TensorFlow here."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from migrator.cli import main
from migrator.diagnostics import Applicability, Kind
from migrator.engine import migrate_source
from migrator.options import Options
from migrator.rules import all_rules, rule_by_id
from migrator.rules.tfm301_raw_pixels import evidence

ROOT = Path(__file__).resolve().parents[1]
FIX_RULES = [r for r in all_rules() if r.KIND is Kind.FIX]
SAFE = {"TFM201", "TFM202", "TFM203", "TFM204", "TFM228", "TFM305", "TFM306"}
UNSAFE = {"TFM208", "TFM301", "TFM302", "TFM303", "TFM304"}

# A correct TF1 Siamese program on already scaled inputs (digits / 16.0): one shared tower
# (variable_scope reuse), a contrastive loss on a distance with an epsilon, Adam 0.001, a
# classifier head trained on balanced digits. No collapse cause: no fix may change it.
SCALED_SIAMESE = """\
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)[..., None]
labels = digits.target
rng = np.random.RandomState(0)
idx_a = rng.randint(0, len(images), 2000)
idx_b = rng.randint(0, len(images), 2000)
pair_y = (labels[idx_a] == labels[idx_b]).astype(np.float32)


def tower(x):
    net = tf.layers.conv2d(x, 16, 3, padding="same", activation=tf.nn.relu, name="conv1")
    net = tf.layers.flatten(net)
    return tf.layers.dense(net, 32, name="emb")


x1 = tf.placeholder(tf.float32, [None, 8, 8, 1])
x2 = tf.placeholder(tf.float32, [None, 8, 8, 1])
y = tf.placeholder(tf.float32, [None])
with tf.variable_scope("siamese") as scope:
    a = tower(x1)
    scope.reuse_variables()
    b = tower(x2)
d = tf.sqrt(tf.reduce_sum(tf.square(a - b), 1) + 1e-6)
loss = tf.reduce_mean(y * tf.square(d) + (1.0 - y) * tf.square(tf.maximum(1.0 - d, 0.0)))
train_op = tf.train.AdamOptimizer(learning_rate=0.001).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(3):
        for i in range(0, 2000, 64):
            sess.run(train_op, feed_dict={x1: images[idx_a[i:i + 64]], x2: images[idx_b[i:i + 64]],
                                          y: pair_y[i:i + 64]})
"""

# The same kind of program in Keras 2 style on random float data (rng.rand), with a moderate
# learning rate, a keep-probability-free dropout and a classifier on balanced labels.
RAND_KERAS = """\
import numpy as np
from tensorflow import keras

rng = np.random.RandomState(0)
x_a = rng.rand(256, 8, 8, 1).astype(np.float32)
x_b = rng.rand(256, 8, 8, 1).astype(np.float32)
y = np.tile(np.arange(2), 128)
inp = keras.layers.Input(shape=(8, 8, 1))
h = keras.layers.Conv2D(8, 3, activation="relu")(inp)
h = keras.layers.Flatten()(h)
h = keras.layers.Dropout(0.25)(h)
out = keras.layers.Dense(2, activation="softmax")(h)
model = keras.models.Model(inp, out)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
model.fit(x_a, y, epochs=2)
"""


def _fix_diags(res):
    return [d for d in res.diagnostics if d.kind is Kind.FIX]


def test_every_fix_rule_declares_safe_or_unsafe_with_a_reason():
    assert {r.ID for r in FIX_RULES} == SAFE | UNSAFE
    for r in all_rules():
        if r.KIND is Kind.FIX:
            assert r.APPLICABILITY is (Applicability.UNSAFE if r.ID in UNSAFE else Applicability.SAFE), r.ID
            assert len(r.APPLICABILITY_REASON) > 40, r.ID
        else:
            assert r.APPLICABILITY is None, r.ID


@pytest.mark.parametrize("rule", FIX_RULES, ids=[r.ID for r in FIX_RULES])
def test_every_fix_rule_has_negative_examples(rule):
    # tests/test_rule_examples.py runs them with every fix enabled and asserts nothing fires
    assert rule.VALID, rule.ID


@pytest.mark.parametrize("rid", sorted(UNSAFE))
def test_unsafe_rule_examples_show_withheld_and_applied(rid):
    rule = rule_by_id(rid)
    select = frozenset({rid, *rule.REQUIRES})
    withheld = applied = False
    for case in rule.INVALID:
        if not case.fixes:
            continue
        default = migrate_source(case.before, "e.py", Options(select=select))
        unsafe = migrate_source(case.before, "e.py", Options(select=select, unsafe_fixes=True))
        named = migrate_source(case.before, "e.py", Options(select=select, fix=frozenset({rid})))
        assert named.code == unsafe.code  # --fix ID == --unsafe-fixes for that rule
        mine = [d for d in default.diagnostics if d.rule == rid]
        assert not any(d.fixed for d in mine)
        if unsafe.code != default.code:
            applied = True
            assert default.code == migrate_source(case.before, "e.py", Options(fixes=False, select=select)).code
            assert mine and all(d.withheld for d in mine)
            assert all("unsafe fix withheld: " in d.message and f"--fix {rid}" in d.message for d in mine)
            withheld = True
    assert withheld and applied, rid


@pytest.mark.parametrize("src", [SCALED_SIAMESE, RAND_KERAS], ids=["tf1_digits_16", "keras_rng_rand"])
def test_default_output_of_a_correct_scaled_program_is_the_faithful_one(src):
    default = migrate_source(src, "prog.py", Options())
    faithful = migrate_source(src, "prog.py", Options(fixes=False))
    unsafe = migrate_source(src, "prog.py", Options(unsafe_fixes=True))
    assert default.status == "migrated" and "Rescaling" not in default.code
    assert default.code == faithful.code == unsafe.code
    assert _fix_diags(default) == [] and _fix_diags(unsafe) == [], [d.format() for d in _fix_diags(unsafe)]


def test_default_output_differs_from_faithful_only_by_safe_cures():
    # the scaled program with its towers NOT shared (two tower calls, no reuse) and Adam 0.1:
    # by default only TFM201 (safe) changes the code; TFM303 (unsafe) is withheld
    src = SCALED_SIAMESE.replace("    scope.reuse_variables()\n", "").replace(
        'with tf.variable_scope("siamese") as scope:\n    a = tower(x1)\n    b = tower(x2)',
        "a = tower(x1)\nb = tower(x2)").replace("learning_rate=0.001", "learning_rate=0.1")
    src = src.replace(', name="conv1"', "").replace(', name="emb"', "")
    default = migrate_source(src, "prog.py", Options())
    safe_only = migrate_source(src, "prog.py", Options(fixes=True, ignore=frozenset(UNSAFE)))
    faithful = migrate_source(src, "prog.py", Options(fixes=False))
    assert default.code == safe_only.code != faithful.code
    fixed = {d.rule for d in default.diagnostics if d.fixed}
    assert fixed and fixed <= SAFE, fixed
    assert "TFM201" in fixed
    held = [d for d in default.diagnostics if d.withheld]
    assert [d.rule for d in held] == ["TFM303"]
    assert "learning_rate=0.1" in default.code
    assert "learning_rate=0.001" in migrate_source(src, "prog.py", Options(unsafe_fixes=True)).code
    assert "Rescaling" not in migrate_source(src, "prog.py", Options(unsafe_fixes=True)).code


@pytest.mark.parametrize("code,state", [
    ("x = digits.images / 16.0\n", "scaled"),
    ("x = rng.rand(10, 8, 8, 1)\n", "scaled"),
    ("x = imgs.astype('uint8')\nx = x / 255.\n", "scaled"),
    ("x = StandardScaler().fit_transform(raw)\n", "scaled"),
    ("from tflearn.datasets import mnist\nX, Y, _, _ = mnist.load_data()\n", "scaled"),
    ("x = imgs.astype(np.uint8)\n", "raw"),
    ("from PIL import Image\nx = np.asarray(Image.open(p))\n", "raw"),
    ("import cv2\nx = cv2.imread(p)\n", "raw"),
    ("from imageio import imread\nx = imread(p)\n", "raw"),
    ("(x, y), _ = keras.datasets.cifar10.load_data()\n", "raw"),
    ("X, Y = image_preloader('f.txt', image_shape=(8, 8), mode='file', normalize=False)\n", "raw"),
    ("x = np.load('x.npy').astype(np.float32)\n", "unknown"),
    ("import matplotlib.pyplot as plt\nx = plt.imread(p)\n", "unknown"),  # PNG: floats in [0, 1]
    ("x = data['x_train']  # uint8 pixels\n", "unknown"),  # a comment is no evidence
])
def test_tfm301_evidence(code, state):
    assert evidence(code)[0] == state


# -- the CLI ------------------------------------------------------------------------------------

LR = """\
from tensorflow import keras
opt = keras.optimizers.Adam(learning_rate=0.1)
x = keras.layers.Dropout(keep_prob)(x)
"""


def _migrate(tmp_path, capsys, *flags, src=LR):
    f = tmp_path / "m.py"
    f.write_text(src)
    out = tmp_path / "out"
    rep = tmp_path / "r.json"
    rc = main([str(f), "--out", str(out), "-j", "1", "--report", str(rep), *flags])
    err = capsys.readouterr().err
    code = (out / "m.py").read_text() if (out / "m.py").exists() else None
    return rc, err, code, json.loads(rep.read_text()) if rep.exists() else None


def test_cli_withholds_unsafe_fixes_by_default_and_counts_them(tmp_path, capsys):
    rc, err, code, rep = _migrate(tmp_path, capsys)
    assert rc == 0 and "learning_rate=0.1" in code and "Dropout(keep_prob)" in code
    assert "2 hidden fixes can be enabled with the `--unsafe-fixes` option." in err
    assert "[unsafe fix withheld]" in err and "--fix TFM303" in err
    assert "wrote " in err and "done in " in err  # the rest of the summary is still printed
    assert rep["summary"]["withheld"] == 2 and rep["summary"]["fixed"] == 0
    assert rep["unsafe_fixes"] is False and rep["fix"] == []
    assert rep["fix_rules"]["TFM303"] == "unsafe" and rep["fix_rules"]["TFM201"] == "safe"
    by_rule = {r["rule"]: r for r in rep["summary"]["rules"]}
    assert by_rule["TFM303"]["fix"] == "unsafe" and by_rule["TFM303"]["withheld"] == 1
    assert all(d["withheld"] for f in rep["files"] for d in f["diagnostics"] if d["rule"] in ("TFM303", "TFM304"))


def test_cli_unsafe_fixes_applies_them(tmp_path, capsys):
    rc, err, code, rep = _migrate(tmp_path, capsys, "--unsafe-fixes")
    assert rc == 0 and "learning_rate=0.001" in code and "Dropout(1 - keep_prob)" in code
    assert "hidden fix" not in err and "wrote " in err and "done in " in err
    assert rep["summary"]["withheld"] == 0 and rep["summary"]["fixed"] == 2 and rep["unsafe_fixes"] is True


def test_cli_fix_ids_applies_only_those(tmp_path, capsys):
    rc, err, code, rep = _migrate(tmp_path, capsys, "--fix", "tfm303", "-q")
    assert rc == 0 and "learning_rate=0.001" in code and "Dropout(keep_prob)" in code
    # -q: the first summary line and the withheld count only
    assert err.splitlines()[-1] == "1 hidden fix can be enabled with the `--unsafe-fixes` option."
    assert "done in" not in err
    assert rep["fix"] == ["TFM303"] and rep["summary"]["withheld"] == 1


def test_cli_no_fixes_is_faithful_and_withholds_nothing(tmp_path, capsys):
    rc, err, code, rep = _migrate(tmp_path, capsys, "--no-fixes")
    assert rc == 0 and code == LR.replace("from tensorflow import keras", "import keras")
    assert "hidden fix" not in err and rep["summary"]["withheld"] == 0


@pytest.mark.parametrize("flags", [("--no-fixes", "--unsafe-fixes"), ("--no-fixes", "--fix", "TFM303"),
                                   ("--fix", "TFM102"), ("--fix", "TFM999")])
def test_cli_fix_flag_errors(tmp_path, capsys, flags):
    rc, err, code, rep = _migrate(tmp_path, capsys, *flags)
    assert rc == 2 and code is None and rep is None
    assert "tflearn-migrate:" in err


def test_cli_markdown_report_states_withheld(tmp_path, capsys):
    f = tmp_path / "m.py"
    f.write_text(LR)
    rep = tmp_path / "r.md"
    assert main([str(f), "--diff", "-j", "1", "--report", str(rep)]) == 0
    md = rep.read_text()
    assert "2 hidden fixes can be enabled with the `--unsafe-fixes` option." in md
    assert "(unsafe fix withheld)" in md and "| TFM303 | fix | unsafe |" in md


def test_rules_listing_shows_safe_and_unsafe(capsys):
    assert main(["rules"]) == 0
    lines = {ln.split()[0]: ln.split() for ln in capsys.readouterr().out.splitlines()}
    assert lines["TFM301"][2] == "unsafe" and lines["TFM201"][2] == "safe" and lines["TFM102"][2] == "-"


# -- the reference suite ----------------------------------------------------------------------

def test_reference_suite_runs_the_fixed_variant_with_unsafe_fixes():
    from migrator.reference import harness

    spec = importlib.util.spec_from_file_location("regen", ROOT / "scripts" / "regen_reference_models.py")
    regen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(regen)
    assert {k: tuple(v) for k, v in regen.MODES.items()} == harness.MIGRATE_FLAGS
    assert harness.MIGRATE_FLAGS["fixed"][0] == "--unsafe-fixes"
    assert set(harness.fix_rules()["unsafe"]) == UNSAFE and set(harness.fix_rules()["safe"]) == SAFE
    fixed = ROOT / "reference_models" / "migrated" / "fixed"
    # the unsafe cures are in the generated fixed models (their evidence is in the legacy code)
    assert "keras.layers.Rescaling(1 / 255.0)" in (fixed / "raw_pixels.py").read_text()
    assert "class_weight=balanced_class_weight(" in (fixed / "class_imbalance.py").read_text()
    assert "learning_rate=0.001" in (fixed / "lr_too_high.py").read_text()
    # ... and by default (safe fixes only) they are withheld
    for name, rid in (("raw_pixels", "TFM301"), ("class_imbalance", "TFM302"), ("lr_too_high", "TFM303")):
        src = (ROOT / "reference_models" / "legacy" / f"{name}.py").read_text()
        res = migrate_source(src, f"{name}.py", Options())
        mine = [d for d in res.diagnostics if d.rule == rid]
        assert mine and all(d.withheld and not d.fixed for d in mine), name


# A correct program TFM202 once "fixed": the keep placeholder is read inside the tower builder
# (a global read), the training feed is held in a name, and an evaluation run fetching the
# distance feeds the inputs and keep 1.0 but no label (it needs none). TFM202 read the evaluation
# run as the loss's, called the keep placeholder unconnected and input_y unfed, and rewired
# `dropout_keep_prob: 1.0` to `input_y: 1.0`.
KEEP_IN_TOWER = """\
import numpy as np
import tensorflow as tf
x1 = tf.placeholder(tf.float32, [None, 6])
x2 = tf.placeholder(tf.float32, [None, 6])
input_y = tf.placeholder(tf.float32, [None])
keep = tf.placeholder(tf.float32)
def tower(x, reuse):
    with tf.variable_scope('t', reuse=reuse):
        return tf.nn.dropout(tf.layers.dense(x, 4, name='fc'), keep)
o1 = tower(x1, False)
o2 = tower(x2, True)
distance = tf.reduce_sum(tf.square(o1 - o2), 1)
loss = tf.reduce_mean(input_y * distance + (1 - input_y) * tf.maximum(1.0 - distance, 0.0))
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
A = np.random.rand(8, 6).astype(np.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(3):
        feed = {x1: A, x2: A[::-1], input_y: np.ones(8, np.float32), keep: 0.8}
        sess.run(train_op, feed)
    d = sess.run(distance, {x1: A, x2: A[::-1], keep: 1.0})
"""


def test_an_evaluation_run_feeding_no_label_is_no_unconnected_feed():
    out = migrate_source(KEEP_IN_TOWER, "prog.py", Options())
    assert not [d for d in out.diagnostics if d.rule == "TFM202"], [d.format() for d in out.diagnostics]
    assert "input_y: 1.0" not in out.code
    assert out.code == migrate_source(KEEP_IN_TOWER, "prog.py", Options(fixes=False)).code


def test_a_global_keep_read_in_the_tower_is_connected_to_the_loss():
    """The training run itself a dict, and a defaulted flag of the keep placeholder's shape that
    the run leaves at its default: the keep placeholder read inside the tower builder is the
    loss's, so it is not "unconnected" and never rewired to the flag."""
    src = KEEP_IN_TOWER.replace("keep = tf.placeholder(tf.float32)\n",
                                "keep = tf.placeholder(tf.float32, [])\n"
                                "flag = tf.placeholder_with_default(1.0, [])\n")
    src = src.replace("distance = tf.reduce_sum(tf.square(o1 - o2), 1)\n",
                      "distance = flag * tf.reduce_sum(tf.square(o1 - o2), 1)\n")
    src = src.replace("        sess.run(train_op, feed)\n",
                      "        sess.run(train_op, {x1: A, x2: A[::-1], input_y: np.ones(8, np.float32), keep: 0.8})\n")
    out = migrate_source(src, "prog.py", Options())
    assert not [d for d in out.diagnostics if d.rule == "TFM202"], [d.format() for d in out.diagnostics]
