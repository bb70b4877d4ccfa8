"""Held-out forms of issue 10 (round AD, session 31): a name standing for the float type
(TFM209), after redsphinx/uatu's ``DATA_TYPE = tf.float32`` and TF's own models' ``def
data_type(): return tf.float16 if FLAGS.use_fp16 else tf.float32``.

* the name is written as the dtype at its reads and the definition goes (before: the constant
  line was a TFM100 TODO and the things typed with it were not recognised);
* a step counter left trainable (``step = tf.Variable(0, dtype=DATA_TYPE)``) is a counter when
  nothing lists the variables (before: "no Keras translation for tensorflow.Variable" and the
  whole session program stayed TF1).

Regression tier: no TensorFlow; slow: verify and AUCs."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import assert_idempotent, migrate_text, undefined_names

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_ad"
CONST = FIX / "module_dtype_constant.py"
FUNC = FIX / "flag_data_type_function.py"


def _code(out: str) -> str:
    """The migrated text after the module docstring (which names the forms)."""
    return out.split('"""', 2)[2]


def _clean(out: str) -> None:
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert not undefined_names(out)


# -- DATA_TYPE = tf.float32 + a trainable step counter typed with it ------------------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_module_dtype_constant_translates(fixes):
    out = migrate_text(CONST.read_text(), fixes)
    _clean(out)
    assert "DATA_TYPE" not in _code(out)
    assert "left = keras.Input(shape=(64,))" in out
    # the trainable float counter is the optimizer's iterations
    assert "step = keras.ops.cast(iterations, 'float32')" in out
    assert ")(step * BATCH_SIZE)" in out
    assert "keras.ops.convert_to_numpy(learning_rate(model.optimizer.iterations))" in out
    assert_idempotent(out, fixes)


def test_a_rebound_dtype_name_is_left_alone():
    src = CONST.read_text().replace("BATCH_SIZE = 32\n", "BATCH_SIZE = 32\nDATA_TYPE = tf.float64\n")
    out = migrate_text(src, False)
    assert "DATA_TYPE" in _code(out)


def test_a_trainable_counter_next_to_a_variable_list_is_no_counter():
    # an l2 sum over tf.trainable_variables() would reach the counter: not a plain counter any more
    src = CONST.read_text().replace(
        "logits=logits))\n",
        "logits=logits)) + 1e-4 * tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()])\n")
    out = migrate_text(src, False)
    assert "step = keras.ops.cast(iterations, 'float32')" not in out


@pytest.mark.parametrize("text", [
    "# the variables: tf.trainable_variables() and tf.get_collection(GraphKeys.WEIGHTS) are never read here\n",
    '"""Not read: var_list=, tf.gradients(loss, params)."""\n',
])
def test_a_comment_or_string_naming_variable_lists_keeps_the_counter(text):
    # only code lists variables: the same words in a comment or a string are no list (Andrew62/facenet's
    # docstrings name graph.get_collection; a text search declined such files)
    src = CONST.read_text().replace("BATCH_SIZE = 32\n", "BATCH_SIZE = 32\n" + text)
    assert "step = keras.ops.cast(iterations, 'float32')" in migrate_text(src, False)


def test_a_program_variable_named_gradients_is_no_variable_list():
    src = CONST.read_text().replace("BATCH_SIZE = 32\n", "BATCH_SIZE = 32\ngradients = [0.5, 0.25]\n")
    assert "step = keras.ops.cast(iterations, 'float32')" in migrate_text(src, False)


# -- def data_type(): tf.float16 if FLAGS.use_fp16 else tf.float32 -------------------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_flag_data_type_function_translates(fixes):
    out = migrate_text(FUNC.read_text(), fixes)
    _clean(out)
    assert "data_type" not in _code(out)
    assert "x1 = keras.Input(shape=(64,))" in out
    assert "keras.ops.cast(same, 'float32')" in out
    assert "kernel_initializer=keras.initializers.RandomNormal(stddev=0.1)" in out
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("change", [
    # the flag's default picks float16: a choice made at run time, kept with its TODO
    ("DEFINE_bool('use_fp16', False", "DEFINE_bool('use_fp16', True"),
    # the program sets the flag itself
    ("FLAGS = flags.FLAGS\n", "FLAGS = flags.FLAGS\nFLAGS.use_fp16 = True\n"),
    # a flag the file does not define: its default is unknown
    ("flags.DEFINE_bool('use_fp16', False, 'Train with half floats instead of 32-bit floats.')\n", ""),
])
def test_a_data_type_not_float32_by_default_keeps_its_todo(change):
    src = FUNC.read_text().replace(*change)
    assert src != FUNC.read_text()
    out = migrate_text(src, False)
    assert "def data_type():" in out and TODO_MARKER in out


def test_a_data_type_function_read_without_a_call_is_left_alone():
    src = FUNC.read_text().replace("margin = 2.0\n", "margin = 2.0\nmake_type = data_type\n")
    out = migrate_text(src, False)
    assert "def data_type():" in out


def test_argparse_store_true_flag_resolves_too():
    src = ("import argparse\nimport tensorflow as tf\n"
           "parser = argparse.ArgumentParser()\nparser.add_argument('--use_fp16', action='store_true')\n"
           "args = parser.parse_args()\n\n\ndef data_type():\n"
           "    return tf.float16 if args.use_fp16 else tf.float32\n\n\n"
           "x = tf.placeholder(data_type(), [None, 4])\n")
    out = migrate_text(src, False)
    assert "data_type" not in out


@pytest.mark.slow
@pytest.mark.parametrize("path", [CONST, FUNC], ids=["constant", "function"])
def test_dtype_alias_program_is_equivalent_to_tf1(path, tmp_path):
    assert_equivalent(path, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("path", [CONST, FUNC], ids=["constant", "function"])
def test_dtype_alias_program_ranks_like_tf1(path, tmp_path):
    aucs = legacy_and_migrated_aucs(path, migrate_text(path.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


@pytest.mark.parametrize("body", [
    "    if FLAGS.use_fp16:\n        return tf.float16\n    return tf.float32\n",
    "    if FLAGS.use_fp16:\n        return tf.float16\n    else:\n        return tf.float32\n",
])
def test_a_data_type_function_written_with_an_if_statement_resolves(body):
    src = FUNC.read_text().replace("    return tf.float16 if FLAGS.use_fp16 else tf.float32\n", body)
    assert src != FUNC.read_text()
    out = migrate_text(src, False)
    _clean(out)
    assert "data_type" not in _code(out)


def test_a_dtype_constant_other_modules_import_is_kept():
    import libcst as cst

    from migrator.analysis.dtype_aliases import resolve_dtype_aliases
    from migrator.engine.presteps import _drops_export

    old = cst.parse_module("import tensorflow as tf\nDATA_TYPE = tf.float32\nx = tf.placeholder(DATA_TYPE, [None])\n")
    new = resolve_dtype_aliases(old)
    assert new is not None and "DATA_TYPE" not in new.code
    assert _drops_export(old, new, frozenset({"DATA_TYPE"}))
    assert not _drops_export(old, new, frozenset())
