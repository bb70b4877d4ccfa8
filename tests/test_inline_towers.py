"""TFM205: towers that share their variables in TF1, called INSIDE an expression
(``d = l2(tower(x1), tower(x2, reuse=True))``, ``tf.square(tower(a) - tower(b, reuse=True))``,
``e = tf.tanh(tower(x))`` under ``scope.reuse_variables()``): each call becomes the one shared
encoder where it stands. Fixture tests/fixtures/inline_towers/l2_of_towers.py (our words). Fast
tests check the migrated code; the slow one proves it with verify (legacy weights)."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "inline_towers" / "l2_of_towers.py"

TOWER = ("import tensorflow as tf\n\ndef tower(x, reuse=False):\n"
         "    with tf.variable_scope('t', reuse=reuse):\n"
         "        w = tf.get_variable('w', [3, 4])\n        return tf.matmul(x, w)\n\n"
         "x1 = tf.placeholder(tf.float32, [None, 3])\nx2 = tf.placeholder(tf.float32, [None, 3])\n")


def _migrate(src: str, fixes: bool, name: str = "snippet.py"):
    res = migrate_source(src, name, Options(fixes=fixes, wrap_lines=False))
    assert res.status == "migrated", res.reason
    return res


def _check(code: str, fixes: bool, name: str = "snippet.py") -> None:
    assert TODO_MARKER not in code, code
    assert not legacy_refs_outside_todo(code)
    assert code.count("keras.Model(encoder_input, tower(encoder_input)") == 1, code  # built once
    body = code.split('"""')[-1]  # (past a module docstring)
    assert body.count("tower(") == 2, code  # its definition and the encoder's one call
    assert "reuse=True" not in body
    compile(code, name, "exec")
    again = migrate_source(code, name, Options(fixes=fixes, wrap_lines=False))
    assert again.status == "unchanged", again.code  # a second run changes nothing


@pytest.mark.parametrize("fixes", [False, True])
def test_fixture_towers_become_one_encoder(fixes):
    res = _migrate(FIXTURE.read_text(), fixes, FIXTURE.name)
    _check(res.code, fixes, FIXTURE.name)
    assert "distance = l2(encoder(left), encoder(right))" in res.code
    assert "TFM201" not in {d.rule for d in res.diagnostics}
    assert any(d.rule == "TFM205" and "one encoder" in d.message for d in res.diagnostics)


@pytest.mark.parametrize("fixes", [False, True])
@pytest.mark.parametrize("use, want", [
    ("d = tf.reduce_sum(tf.square(tower(x1) - tower(x2, reuse=True)), 1)\n",
     "d = keras.ops.sum(keras.ops.square(encoder(x1) - encoder(x2)), axis=1)"),
    ("with tf.variable_scope('s') as scope:\n    e1 = tf.tanh(tower(x1))\n    scope.reuse_variables()\n"
     "    e2 = tf.tanh(tower(x2))\nd = e1 - e2\n",
     "e1 = keras.ops.tanh(encoder(x1))\ne2 = keras.ops.tanh(encoder(x2))"),
    ("def distance(p, q):\n    return tf.reduce_sum(tf.abs(tower(p) - tower(q, reuse=True)), 1)\n\nd = distance(x1, x2)\n",
     "    return keras.ops.sum(keras.ops.abs(encoder(p) - encoder(q)), axis=1)"),
])
def test_inline_forms_become_one_encoder(use, want, fixes):
    code = _migrate(TOWER + use, fixes).code
    _check(code, fixes)
    assert want in code, code


@pytest.mark.parametrize("use", [
    # evaluated conditionally: building the encoder before the statement is not TF1's order
    "d = (tower(x1) - tower(x2, reuse=True)) if x1 is not None else tower(x2, reuse=True)\n",
    "d = x1 is not None and tower(x1) - tower(x2, reuse=True)\n",
])
def test_conditional_calls_keep_the_todo(use):
    res = _migrate(TOWER + use, False)
    assert "TODO(tflearn-migrate): TFM205 tower() towers share their variables" in res.code, res.code
    assert "keras.Model(encoder_input" not in res.code


def test_tf_variable_towers_inline_stay_two_towers_in_faithful_mode():
    """tf.Variable never shares, even under reuse=True: the faithful output keeps both towers."""
    src = TOWER.replace("tf.get_variable('w', [3, 4])", "tf.Variable(tf.random_normal([3, 4]))") \
        + "d = tf.reduce_sum(tf.square(tower(x1) - tower(x2, reuse=True)), 1)\n"
    code = _migrate(src, False).code
    assert "encoder" not in code and "tower(x1) - tower(x2, reuse=True)" in code, code


@pytest.mark.slow
def test_inline_towers_are_equivalent_under_verify(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    mig = migrate_faithful(FIXTURE, tmp_path / "m")
    (res,) = verify_pairs([(FIXTURE, mig)], call="train", workdir=tmp_path / "v")
    ok, lines = judge(res)
    assert not res.get("todo")
    assert ok, "\n".join(lines + res.get("mapping", []))


def test_two_groups_in_one_statement_build_both_encoders():
    """``disc(gen(z))`` (tflearn's dcgan example): the first generator tower inside the first
    discriminator tower - both encoders are built before the statement, every name is bound."""
    src = ("import tensorflow as tf\n\n"
           "def gen(x, reuse=False):\n    with tf.variable_scope('G', reuse=reuse):\n"
           "        return tf.layers.dense(x, 3, name='g')\n\n"
           "def disc(x, reuse=False):\n    with tf.variable_scope('D', reuse=reuse):\n"
           "        return tf.layers.dense(x, 1, name='d')\n\n"
           "z = tf.placeholder(tf.float32, [None, 2])\nx = tf.placeholder(tf.float32, [None, 3])\n"
           "fake = disc(gen(z))\nreal = disc(x, reuse=True)\nstacked = disc(gen(z, reuse=True), reuse=True)\n")
    res = _migrate(src, False)
    code = res.code
    assert TODO_MARKER not in code, code
    assert "encoder = keras.Model(encoder_input, gen(encoder_input), name='encoder')" in code, code
    assert "encoder_2 = keras.Model(encoder_2_input, disc(encoder_2_input), name='encoder_2')" in code, code
    assert code.index("encoder_2 = keras.Model") < code.index("fake = encoder_2(encoder(z))"), code
    assert "stacked = encoder_2(encoder(z))" in code and "real = encoder_2(x)" in code, code
    assert not [d for d in res.diagnostics if d.rule in ("TFM010", "TFM011", "TFM012", "TFM013")]
    assert migrate_source(code, "snippet.py", Options(fixes=False, wrap_lines=False)).status == "unchanged"
