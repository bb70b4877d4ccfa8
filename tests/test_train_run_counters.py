"""A training run fetching the step counter together with metrics (``_, step, l, acc =
sess.run([tr_op_set, global_step, loss, accuracy], feed)``, the deep-siamese-text-similarity
scripts' form): the FetchingModel step returns the loss and the metrics, and the step is read
after it from the optimizer's iterations (TFM140). Before, such a run kept the whole program TF1
with no reason given. Fast tier: the text; slow tier: verify on the fixture."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "bilstm_step_fetch_pairs.py"
SOURCE = FIXTURE.read_text()


@pytest.mark.parametrize("fixes", [False, True])
def test_the_step_counter_is_read_after_the_step_that_returns_the_metrics(fixes):
    out = migrate_text(SOURCE, fixes)
    assert TODO_MARKER not in out and not undefined_names(out)
    code = out[out.index("rng = np.random"):]
    assert "tf." not in code.replace("tf1_", "")
    assert ("    l, acc = keras.tree.map_structure(\n        keras.ops.convert_to_numpy,\n"
            "        model.train_on_batch([Q1, Q2, LEN1, LEN2], Y, return_dict=True)[\"fetched\"],\n    )\n"
            "    step = keras.ops.convert_to_numpy(keras.ops.cast(model.optimizer.iterations, \"int32\"))\n") in code
    assert 'tf1_sequence_mask(lengths, maxlen=6, dtype="float32")' in code
    assert_idempotent(out, fixes)


def test_a_step_unpacked_into_underscore_is_not_read():
    src = SOURCE.replace("_, step, l, acc = sess.run(", "_, _, l, acc = sess.run(").replace(
        "print(step, l, acc)", "print(l, acc)")
    out = migrate_text(src, False)
    assert TODO_MARKER not in out and "optimizer.iterations" not in out


@pytest.mark.slow
def test_the_program_computes_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(FIXTURE, tmp_path)
