"""Held-out forms of issue 10 (round W, session 28): TF 0.x spellings (renamed or reordered in
TF 1.0), ``tf.nn.weighted_cross_entropy_with_logits``, an activation compared with ``tf.nn.relu``
in a layer helper, and an initializer name rebound between two get_variable calls (a layer built
later would read the later binding). Regression tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.names import canonical
from migrator.options import Options
from tests.outputs import body as _body, assert_idempotent as _idempotent

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_w"


def _faithful_src(src: str, name: str = "w.py") -> str:
    out = migrate_source(src, name, Options(fixes=False)).code
    return out if out is not None else src


def _faithful(name: str) -> str:
    return _faithful_src((FIX / name).read_text(), name)


def _ops(src: str) -> str:
    """The migrated statement(s) of a one-liner program (the keras import dropped)."""
    out = _faithful_src("import tensorflow as tf\n" + src)
    head, _, rest = out.partition("\n")
    assert head == "import keras", out
    return rest.lstrip("\n")


# -- TF 0.x names and argument orders ---------------------------------------------------------------

def test_tf0_program_translates_whole():
    out = _faithful("tf0_channel_pairs.py")
    body = _body(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert "keras.ops.split(images, 3, axis=3)" in body
    assert "keras.ops.concatenate([e1, e2], axis=1)" in body
    assert "keras.ops.binary_crossentropy(same, logit, from_logits=True)" in body
    for old in ("tf.sub", "tf.mul", "tf.pack", "tf.neg", "scalar_summary", "merge_all_summaries",
                "SummaryWriter", "initialize_all_variables"):
        assert old not in body
    _idempotent(out)


@pytest.mark.parametrize("old, new", [
    ("tensorflow.sub", "tensorflow.subtract"), ("tensorflow.mul", "tensorflow.multiply"),
    ("tensorflow.neg", "tensorflow.negative"), ("tensorflow.pack", "tensorflow.stack"),
    ("tensorflow.compat.v1.scalar_summary", "tensorflow.summary.scalar"),
    ("tensorflow.train.SummaryWriter", "tensorflow.summary.FileWriter"),
    ("tensorflow.initialize_all_variables", "tensorflow.global_variables_initializer"),
    # renamed AND reordered in TF 1.0: the name stays, TFM130 reads the order
    ("tensorflow.concat", "tensorflow.concat"), ("tensorflow.split", "tensorflow.split"),
])
def test_tf0_names_are_canonical_tf1_names(old, new):
    assert canonical(old) == new


@pytest.mark.parametrize("src, want", [
    ("y = tf.concat(1, [a, b])\n", "y = keras.ops.concatenate([a, b], axis=1)\n"),
    ("y = tf.concat(-1, [a, b])\n", "y = keras.ops.concatenate([a, b], axis=-1)\n"),
    ("y = tf.concat(concat_dim=2, values=[a, b])\n", "y = keras.ops.concatenate([a, b], axis=2)\n"),
    ("y = tf.concat([a, b], 1)\n", "y = keras.ops.concatenate([a, b], axis=1)\n"),  # TF 1 order untouched
    ("p, q = tf.split(1, 2, x)\n", "p, q = keras.ops.split(x, 2, axis=1)\n"),
    ("p, q = tf.split(x, 2, 1)\n", "p, q = keras.ops.split(x, 2, axis=1)\n"),
    ("y = tf.sub(a, tf.mul(b, tf.neg(c)))\n",
     "y = keras.ops.subtract(a, keras.ops.multiply(b, keras.ops.negative(c)))\n"),
    ("y = tf.pack([a, b], 1)\n", "y = keras.ops.stack([a, b], axis=1)\n"),
    ("u = tf.unpack(x, axis=1)\n", "u = keras.ops.unstack(x, axis=1)\n"),
    ("y = tf.select(c, a, tf.inv(b))\n", "y = keras.ops.where(c, a, keras.ops.reciprocal(b))\n"),
    # the cross-entropies called positionally: TF 0.x's (logits, labels) order
    ("l = tf.nn.sigmoid_cross_entropy_with_logits(z, t)\n",
     "l = keras.ops.binary_crossentropy(t, z, from_logits=True)\n"),
    ("l = tf.nn.sigmoid_cross_entropy_with_logits(logits=z, targets=t)\n",
     "l = keras.ops.binary_crossentropy(t, z, from_logits=True)\n"),
    ("l = tf.nn.softmax_cross_entropy_with_logits(z, t)\n",
     "l = keras.ops.categorical_crossentropy(t, z, from_logits=True)\n"),
    ("l = tf.nn.sparse_softmax_cross_entropy_with_logits(z, t)\n",
     "l = keras.ops.sparse_categorical_crossentropy(t, z, from_logits=True)\n"),
    ("l = tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=z)\n",
     "l = keras.ops.categorical_crossentropy(t, z, from_logits=True)\n"),
])
def test_tf0_ops(src, want):
    assert _ops(src) == want


def test_a_cross_entropy_missing_its_logits_is_kept_not_given_none():
    # TF1 raises on this call (labels only); the translation used to write logits=None
    out = _faithful_src("import tensorflow as tf\nl = tf.nn.sigmoid_cross_entropy_with_logits(labels=t)\n")
    assert "None" not in out and TODO_MARKER in out


# -- weighted cross-entropy, activation compared with tf.nn.relu -----------------------------------

def test_weighted_xent_program_translates_whole():
    out = _faithful("weighted_xent_concat_head.py")
    body = _body(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert "if activation_function == keras.ops.relu:" in body
    assert "activation_function=keras.ops.relu" in body
    assert ("keras.ops.binary_crossentropy(y, logits, from_logits=True)\n"
            "        + (2.0 - 1.0) * y * keras.ops.softplus(-logits)") in body
    _idempotent(out)


@pytest.mark.parametrize("src, want", [
    ("l = tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=3.0)\n",
     "l = keras.ops.binary_crossentropy(z, x, from_logits=True) + (3.0 - 1.0) * z * keras.ops.softplus(-x)\n"),
    ("l = tf.nn.weighted_cross_entropy_with_logits(targets=z, logits=x, pos_weight=q)\n",
     "l = keras.ops.binary_crossentropy(z, x, from_logits=True) + (q - 1.0) * z * keras.ops.softplus(-x)\n"),
    ("l = tf.nn.weighted_cross_entropy_with_logits(self.y, x, 0.1, 'w')\n",
     "l = keras.ops.binary_crossentropy(\n    self.y,\n    x,\n    from_logits=True,\n"
     ") + (0.1 - 1.0) * self.y * keras.ops.softplus(-x)\n"),
])
def test_weighted_xent(src, want):
    assert _ops(src) == want


def test_weighted_xent_of_an_expression_is_kept():
    # the logits are read twice by the formula: a layer call must not be made twice
    out = _faithful_src("import tensorflow as tf\n"
                        "l = tf.nn.weighted_cross_entropy_with_logits(z, tf.layers.dense(h, 1), 2.0)\n")
    assert TODO_MARKER in out and "weighted_cross_entropy_with_logits" in out


@pytest.mark.parametrize("src, want", [
    ("ok = act == tf.nn.relu\n", "ok = act == keras.ops.relu\n"),
    ("ok = tf.nn.relu != act\n", "ok = keras.ops.relu != act\n"),
    ("ok = act is tf.nn.sigmoid\n", "ok = act is keras.ops.sigmoid\n"),
    ("ok = act == tf.nn.leaky_relu\n", "ok = act == keras.ops.leaky_relu\n"),
])
def test_activation_compared_with_a_tf_function(src, want):
    assert _ops(src) == want


def test_an_ordering_comparison_is_left_alone():
    out = _faithful_src("import tensorflow as tf\nok = act < tf.nn.relu\n")
    assert "tf.nn.relu" in out


# -- an initializer name rebound between the weights and the layer ---------------------------------

_REBOUND = (
    "import tensorflow as tf\n\n\n"
    "def layer(x, n):\n"
    "    init = tf.random_normal_initializer(stddev=0.1)\n"
    "    w = tf.get_variable('w', [x.shape[1], n], tf.float32, init)\n"
    "    init = tf.constant_initializer(0.0)\n"
    "    b = tf.get_variable('b', [n], tf.float32, init)\n"
    "    return tf.matmul(x, w) + b\n")


def test_a_rebound_initializer_never_gives_the_kernel_the_later_value():
    # the Dense built at the matmul would read ``init`` = Constant(0.0) for its KERNEL (all-zero
    # weights: a silently different model). The later binding is built from literals: it is dropped
    # and written at the bias (tests/test_heldout_forms_w5.py), the kernel reads the first binding
    out = _faithful_src(_REBOUND)
    assert TODO_MARKER not in out
    assert "kernel_initializer=init," in out and "bias_initializer=keras.initializers.Constant(0.0)" in out
    assert "init = keras.initializers.Constant" not in out


def test_an_initializer_bound_once_still_becomes_the_layers():
    src = _REBOUND.replace("    init = tf.constant_initializer(0.0)\n", "").replace(
        "tf.float32, init)\n    return", "tf.float32, tf.constant_initializer(0.0))\n    return")
    out = _faithful_src(src)
    assert TODO_MARKER not in out and "kernel_initializer=init" in out


# -- slow: the migrated programs run and match TF1 -------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["tf0_channel_pairs.py", "weighted_xent_concat_head.py"])
def test_programs_are_equivalent_to_tf1(name, tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / name
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))


@pytest.mark.slow
def test_legacy_runtime_runs_tf0_spellings(tmp_path):
    # the legacy shim (item 14): TF 0.x's names and argument orders compute what TF 1 computes
    import subprocess
    import sys

    prog = tmp_path / "tf0.py"
    prog.write_text(
        "import numpy as np\nimport tensorflow as tf\n"
        "x = tf.placeholder(tf.float32, [None, 2, 4])\n"
        "a, b = tf.split(2, 2, x)\nc = tf.concat(2, [b, a])\n"
        "l0 = tf.nn.sigmoid_cross_entropy_with_logits(tf.sub(a, b), tf.mul(a, 0.0))\n"
        "l1 = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.multiply(a, 0.0), logits=tf.subtract(a, b))\n"
        "p = tf.pack([tf.neg(a), tf.select(a > 0.5, a, b)], 1)\n"
        "sess = tf.Session()\nsess.run(tf.initialize_all_variables())\n"
        "v = np.arange(16, dtype=np.float32).reshape(2, 2, 4) / 16.0\n"
        "c_, l0_, l1_, p_ = sess.run([c, l0, l1, p], {x: v})\n"
        "assert np.allclose(c_, np.concatenate([v[..., 2:], v[..., :2]], 2))\n"
        "assert np.allclose(l0_, l1_) and p_.shape == (2, 2, 2, 2)\n"
        "print('ok')\n")
    r = subprocess.run([sys.executable, "-m", "migrator.legacy.run", str(prog)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-2000:]
