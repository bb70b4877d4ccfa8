"""A model object whose methods RETURN what they build (``total_loss, train_step, out =
net.train(x1, x2, y)``; no method stores a tensor attribute), its constructor reading a ``params``
dict with ``.get`` and checking the layout with ``sys.exit``, its weight decay in a helper method
over ``tf.trainable_variables()``. TFM187 writes the methods as module functions with the dict's
values where they read the attributes, TFM226 the decay helper at its call, TFM196 the train
function at its call: one Keras program. Fast tier, text only; the fixture's verify runs in the
slow tier."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "model_object_train_method.py"
SOURCE = FIXTURE.read_text()


def _code(out: str) -> str:
    return out[out.index('"""', 3) + 3:]


@pytest.mark.parametrize("fixes", [False, True])
def test_a_model_object_returning_its_train_step_becomes_one_keras_program(fixes):
    out = migrate_text(SOURCE, fixes)
    code = _code(out)
    assert TODO_MARKER not in out and "import tensorflow" not in code
    assert "class model" not in code and "sys.exit" not in code  # the constructor's test, decided
    assert "keras.ops.maximum(1.0 - d, 0.0)" in code  # self._margin: the dict's 1.0
    assert "learning_rate=1e-2" in code  # self._init_lr: the dict's value, not .get's default
    assert "tf1_selected_weights(model_2, None)" in code  # the decay over the trained model's weights
    assert "loss_value = model_2.train_on_batch([X[i], X[j]], (Y[i] == Y[j]).astype(np.float32))" in code
    assert "out = encoder(x1)['fc2']" in code and "out2 = encoder(x2)['fc2']" in code
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("change", [
    # the dict is changed after it is made: its values at the construction are not the literals
    ("    rng = np.random.RandomState(0)\n", "    params['margin'] = 2.0\n    rng = np.random.RandomState(0)\n"),
    # the dict goes somewhere else too (that function may change it)
    ("    rng = np.random.RandomState(0)\n", "    print_params(params)\n    rng = np.random.RandomState(0)\n"),
])
def test_a_params_dict_that_may_change_is_not_read_as_literals(change):
    old, new = change
    assert old in SOURCE
    out = migrate_text(SOURCE.replace(old, new), False)
    assert "keras.ops.maximum(1.0 - d, 0.0)" not in out
    assert not undefined_names(out) - {"print_params"}


def test_a_layout_the_constructor_rejects_keeps_the_object():
    # ``data_format`` 'NCDHW': the constructor exits - the program is left as the class wrote it
    out = migrate_text(SOURCE.replace("'data_format': 'NHWC'", "'data_format': 'NCDHW'"), False)
    assert "sys.exit(" in out and "net.train(x1, x2, y)" in out and not undefined_names(out)


@pytest.mark.slow
def test_the_model_object_program_computes_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(FIXTURE, tmp_path)


STACKED = Path(__file__).parent / "fixtures" / "real_sweep" / "stacked_triplet_decay.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_a_weight_decay_read_by_a_label_free_loss_is_a_deferred_term(fixes):
    """The loss is the model's output (a stacked triplet batch, no labels) and adds a decay over
    tf.trainable_variables(): the decay term is computed from the trained model's weights when the
    model runs (TF1DeferredTerm); it kept the whole program TF1 ("read outside the loss")."""
    out = migrate_text(STACKED.read_text(), fixes)
    code = _code(out)
    assert TODO_MARKER not in out and "import tensorflow" not in code
    assert "total_loss = triplet_loss(emb) + TF1DeferredTerm(" in code
    assert "tf1_selected_weights(model, None)" in code and "model = LossModel(stacked, total_loss)" in code
    # the parameter every call passes a tensor: its bare slices take Keras 3's tuple key
    assert "a, p, n = e[0:N, ...], e[N:2 * N, ...], e[2 * N:3 * N, ...]" in code
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def test_a_parameter_some_call_passes_a_list_keeps_its_slice():
    src = STACKED.read_text().replace("print(loss_value, out.shape)\n",
                                      "print(loss_value, out.shape, triplet_loss([1.0] * 24))\n")
    out = migrate_text(src, False)
    assert "a, p, n = e[0:N], e[N:2 * N], e[2 * N:3 * N]" in out and not undefined_names(out)


@pytest.mark.slow
def test_the_deferred_decay_computes_what_tf1_computes_and_without_it_not(tmp_path):
    """verify compares the model's output - the loss, decay included - and one training step; the
    same migration without the decay term is the negative control."""
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    legacy = tmp_path / "stacked.py"
    legacy.write_text(STACKED.read_text())
    mig = migrate_faithful(legacy, tmp_path / "m")
    text = Path(mig).read_text()
    start = text.index("TF1DeferredTerm(\n")
    end = text.index("emb,\n)\n", start) + len("emb,\n)\n")
    assert "total_loss = triplet_loss(emb) + " in text[:start]
    plain = tmp_path / "plain" / "stacked.py"
    plain.parent.mkdir()
    plain.write_text(text[:start] + "0.0\n" + text[end:])
    good, bad = verify_pairs([(legacy, mig), (legacy, plain)], workdir=tmp_path / "v")
    ok, lines = judge(good)
    assert ok, "\n".join(lines + good.get("mapping", []))
    assert not judge(bad)[0]
