"""verify's false alarm on fixed-batch programs trained with Adam (session 32, helper
"fixedverify"; found on round AE's LousyLory probe).

Cause: with every placeholder written with one FIXED batch size (``[batch_size, 8, 8, 1]``,
``[batch_size]``) the legacy probe takes forward candidates whose first axis is that number, not
only None. The optimizer's update ops passed that test for every weight whose first dimension
equals the batch size (a ``[16, 8]`` kernel, a ``[16]`` bias): ``ApplyAdam`` depends on the fed
placeholders through the gradients, and its name holds no ``gradients``. The probe's forward run
fetched them, so it applied one Adam update to those weights (and filled their slots) after the
weights were dumped and before the one-step comparison: the legacy step started from other
weights, and verify said DIFFERENT (forward identical, updates off by up to 37%) on a correct
migration. With ``[None, ...]`` placeholders the update ops never qualified (their first axis is
not None). Now the probe leaves out the training side (``probe_legacy.training_side_ops``: ops
that write variables, backward-pass ops, anything computed from a gradient or an update).

Fast tier: the fixture migrates whole, and the training-side walk on a hand-made graph (no
TensorFlow); slow: verify EQUIVALENT on the fixture (fixed and None batch), a negative control,
AUCs."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.weights.probe_legacy import training_side_ops
from tests.legacy_pairs import legacy_and_migrated_aucs
from tests.outputs import assert_idempotent, migrate_text, undefined_names

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_fv"
FIXED = FIX / "fixed_batch_adam_pairs.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_fixed_batch_adam_program_migrates_whole(fixes):
    out = migrate_text(FIXED.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out) and not undefined_names(out)
    assert "self.left = keras.Input(shape=(8, 8, 1), batch_size=batch_size)" in out
    assert "self.same = keras.Input(shape=(), batch_size=batch_size)" in out
    # get_variable under reuse_variables: TF1 shares, so one encoder in both modes
    assert "self.e_left = encoder(self.left)" in out and "self.e_right = encoder(self.right)" in out
    assert "keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8)" in out
    assert_idempotent(out, fixes)


# -- the training side of a graph, on hand-made ops (no TensorFlow) -------------------------------

def _graph(spec):
    """{name: (type, [input op names])} -> ops in the given order (duck-typed like tf.Operation)."""
    ops = {n: SimpleNamespace(name=n, type=t, inputs=[]) for n, (t, _) in spec.items()}
    for n, (_, ins) in spec.items():
        ops[n].inputs = [SimpleNamespace(op=ops[i]) for i in ins]
    return list(ops.values())


def test_training_side_holds_updates_gradients_and_what_is_computed_from_them():
    ops = _graph({
        # created out of order on purpose (creation order is not topological)
        "Adam/update_pair/f2/w/ApplyAdam": ("ApplyAdam", ["pair/f2/w", "clip/mul"]),
        "x": ("Placeholder", []),
        "pair/f2/w": ("VariableV2", []),
        "pair/f2/w/read": ("Identity", ["pair/f2/w"]),
        "pair/f2/MatMul": ("MatMul", ["x", "pair/f2/w/read"]),
        "loss": ("Mean", ["pair/f2/MatMul"]),
        "gradients/pair/f2/MatMul_grad/MatMul_1": ("MatMul", ["x", "loss"]),
        "clip/mul": ("Mul", ["gradients/pair/f2/MatMul_grad/MatMul_1"]),
        "after_update": ("Identity", ["Adam/update_pair/f2/w/ApplyAdam"]),
        "train/gradients/AddN": ("AddN", ["loss"]),
        "tfm_verify_grad/Assign": ("Assign", ["pair/f2/w"]),
        # a program's own assign: not forward, but what reads its value is (the forward pass
        # may read an assign's output)
        "Assign": ("Assign", ["pair/f2/w", "pair/f2/MatMul"]),
        "scaled": ("Mul", ["Assign"]),
        "ResourceApplyGradientDescent": ("ResourceApplyGradientDescent", ["pair/f2/w", "clip/mul"]),
        "ScatterUpdate": ("ScatterUpdate", ["pair/f2/w", "x"]),
    })
    assert training_side_ops(ops) == {
        "Adam/update_pair/f2/w/ApplyAdam", "gradients/pair/f2/MatMul_grad/MatMul_1", "clip/mul",
        "after_update", "train/gradients/AddN", "tfm_verify_grad/Assign", "Assign",
        "ResourceApplyGradientDescent", "ScatterUpdate"}


def test_a_while_loops_back_edge_ends_the_walk():
    ops = _graph({"Merge": ("Merge", ["Enter", "NextIteration"]), "Enter": ("Enter", ["x"]),
                  "x": ("Placeholder", []), "NextIteration": ("NextIteration", ["Merge"])})
    assert training_side_ops(ops) == set()


# -- slow: verify and AUCs --------------------------------------------------------------------------

def _verify(src: Path, tmp_path: Path, edit=None):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    migrated = migrate_faithful(src, tmp_path / "m")
    if edit is not None:
        text = migrated.read_text()
        changed = edit(text)
        assert changed != text
        migrated.write_text(changed)
    res = verify_pairs([(src, migrated)], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    return res, ok, lines


@pytest.mark.slow
@pytest.mark.parametrize("batch", ["fixed", "none"])
def test_fixed_batch_adam_program_is_equivalent_to_tf1(tmp_path, batch):
    # before: DIFFERENT with the fixed batch (Adam already applied to f2/w, f1/b and c1/b by the
    # forward probe), EQUIVALENT with None
    src = FIXED
    if batch == "none":
        src = tmp_path / "none_batch.py"
        text = FIXED.read_text().replace("tf.float32, [batch_size, 8, 8, 1]", "tf.float32, [None, 8, 8, 1]")
        text = text.replace("tf.float32, [batch_size]", "tf.float32, [None]")
        assert text.count("tf.float32, [None") == 3
        src.write_text(text)
    res, ok, lines = _verify(src, tmp_path)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    steps = [ln for ln in lines if "after one step" in ln]
    # every weight's step compared, the [16, 8] kernel among them
    assert len(steps) == 6 and any("dense_1/kernel" in ln for ln in steps), lines


@pytest.mark.slow
def test_a_wrong_margin_in_the_fixed_batch_program_is_caught(tmp_path):
    # negative control: the probe still compares the step of a fixed-batch graph
    res, ok, lines = _verify(FIXED, tmp_path, lambda t: t.replace("keras.ops.maximum(0.0, 2.0 - self.dist)",
                                                                  "keras.ops.maximum(0.0, 3.0 - self.dist)"))
    assert not ok, "\n".join(lines)


@pytest.mark.slow
def test_fixed_batch_adam_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(FIXED, migrate_text(FIXED.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs
