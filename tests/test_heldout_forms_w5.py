"""Held-out form of issue 10 (round W, session 28, after MLRichter/simnet's layer helpers): an
initializer name REBOUND between the weights' and the bias' get_variable (``init = <random, reads
fan_in>; w = get_variable(.., init); init = tf.constant_initializer(0.1); b = get_variable(..,
init)``). A Keras layer is built where the weights are USED (after the rebinding): given the name
it would read the later binding (all-0.1 kernels). A later binding built from literals only is now
dropped and its value written where it is read (the bias), so the layer's kernel reads the earlier
binding, as TF1's get_variable did. Regression tier: no TensorFlow."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options
from tests.outputs import migrate_text, body as _body

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

_migrate = functools.partial(migrate_text, name="w5.py")

FIX = Path(__file__).parent / "fixtures" / "heldout_w5"


def _undefined(out: str) -> set:
    import ast
    import builtins

    tree = ast.parse(out)
    bound = set(dir(builtins))
    for n in ast.walk(tree):
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            bound.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in n.names)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound


@pytest.mark.parametrize("fixes", [False, True])
def test_rebound_init_program_translates_whole(fixes):
    out = _migrate((FIX / "rebound_init_helpers.py").read_text(), fixes)
    body = _body(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not _undefined(out)
    # the kernels read the EARLIER binding (the if/else on the activation), the biases their own value
    assert body.count("kernel_initializer=init") == 2
    assert "bias_initializer=keras.initializers.Constant(0.1)" in body
    assert "keras.layers.Dense(units, kernel_initializer=init)" in body  # zeros: Dense's default bias
    assert "init = keras.initializers.Constant" not in body and "init = tf." not in body
    assert migrate_source(out, "again.py", Options(fixes=fixes)).code in (None, out)


_REBOUND = (
    "import tensorflow as tf\n\n\n"
    "def layer(x, n, bias_value=0.0):\n"
    "    fan_in = int(x.shape[-1])\n"
    "    init = tf.random_normal_initializer(stddev=fan_in ** -0.5)\n"
    "    w = tf.get_variable('w', [x.shape[1], n], tf.float32, init)\n"
    "    init = tf.constant_initializer(0.0)\n"
    "    b = tf.get_variable('b', [n], tf.float32, init)\n"
    "    return tf.matmul(x, w) + b\n")


def test_a_literal_rebinding_is_written_at_its_read():
    out = _migrate(_REBOUND)
    assert TODO_MARKER not in out and not _undefined(out)
    assert "kernel_initializer=init," in out and "bias_initializer=keras.initializers.Constant(0.0)" in out
    assert "init = keras.initializers.RandomNormal(" in out and "init = keras.initializers.Constant" not in out


@pytest.mark.parametrize("change", [
    # the rebinding reads a local of the helper: moving it could read another value - kept
    ("tf.constant_initializer(0.0)", "tf.constant_initializer(bias_value)"),
    # a rebinding in a branch: which binding the bias reads depends on the run
    ("    init = tf.constant_initializer(0.0)\n", "    if n > 1:\n        init = tf.constant_initializer(0.0)\n"),
    # the later binding is read by something else than a get_variable
    ("    return tf.matmul", "    print(init)\n    return tf.matmul"),
    # a nested function reads the name (it sees the LAST binding)
    ("    return tf.matmul", "    f = lambda: init\n    return tf.matmul"),
])
def test_a_rebinding_that_cannot_move_keeps_the_weights_tf1(change):
    out = _migrate(_REBOUND.replace(*change))
    assert "kernel_initializer=init" not in out  # never the later binding for the kernel
    assert "tf.get_variable('w'" in out and TODO_MARKER in out
    assert not _undefined(out)


def test_a_variable_left_tf1_gets_the_value_inline():
    # the weights are read outside the layer pattern too (they stay TF1, with the TODO): the
    # rebinding is still dropped and its value written into the TF1 call - the same initializer,
    # no dangling name
    src = _REBOUND.replace("    return tf.matmul(x, w) + b\n", "    return tf.matmul(x, w) + b, tf.matmul(x, w * 2.0)\n")
    out = _migrate(src)
    assert not _undefined(out) and TODO_MARKER in out
    assert "tf.get_variable('w', [x.shape[1], n], tf.float32, init)" in out
    assert "tf.get_variable('b', [n], tf.float32, tf.constant_initializer(0.0))" in out
    assert "init = tf.constant_initializer" not in out and "init = keras.initializers.Constant" not in out
    assert migrate_source(out, "again.py", Options(fixes=False)).code in (None, out)


def test_a_hand_made_batch_norm_gets_each_initializer():
    # offset and scale made with one name rebound between them (0.0, then 1.0): before, the
    # BatchNormalization read the LATER binding for both (beta = 1.0, a silently different model)
    src = ("import tensorflow as tf\n\n\n"
           "def bn(x):\n"
           "    mean, var = tf.nn.moments(x, [0])\n"
           "    init = tf.constant_initializer(0.0)\n"
           "    offset = tf.get_variable('offset', [x.shape[-1]], tf.float32, init)\n"
           "    init = tf.constant_initializer(2.0)\n"
           "    scale = tf.get_variable('scale', [x.shape[-1]], tf.float32, init)\n"
           "    return tf.nn.batch_normalization(x, mean, var, offset, scale, 1e-6)\n")
    out = _migrate(src)
    assert not _undefined(out) and TODO_MARKER not in out
    assert "init = keras.initializers.Constant(0.0)" in out and "beta_initializer=init" in out
    assert "gamma_initializer=keras.initializers.Constant(2.0)" in out
    assert migrate_source(out, "again.py", Options(fixes=False)).code in (None, out)


# -- slow: the migrated program runs and matches TF1 -----------------------------------------------

@pytest.mark.slow
def test_rebound_init_program_is_equivalent_to_tf1(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / "rebound_init_helpers.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
