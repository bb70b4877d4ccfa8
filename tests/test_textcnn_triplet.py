"""sanku-lib/text-triplet-loss (tests/fixtures/realworld/sanku_textcnn_triplet.py): a text-CNN
triplet network whose towers TF1 shares only PARTLY, trained on a label-free loss.

Fast tier (no TensorFlow): what the two migrations are made of. The runs (legacy / faithful /
fixed AUC) are measured by scripts/realworld_siamese.py; the slow test below runs both outputs
under Keras 3 and checks that they train the way the TF1 program did.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.migrate_cache import migrate_source  # one migration per input and run
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "realworld" / "sanku_textcnn_triplet.py"


def _migrate(fixes: bool) -> str:
    src = FIXTURE.read_text(encoding="utf-8")
    res = migrate_source(src, path=str(FIXTURE), options=Options(wrap_lines=False, fixes=fixes))
    assert res.status == "migrated", res.reason
    again = migrate_source(res.code, path=str(FIXTURE), options=Options(wrap_lines=False, fixes=fixes))
    assert again.code == res.code, "a second migration changes nothing"
    assert not [d for d in res.diagnostics if d.rule in ("TFM010", "TFM011", "TFM012", "TFM013")]
    return res.code


@pytest.fixture(scope="module")
def faithful() -> str:
    return _migrate(False)


@pytest.fixture(scope="module")
def fixed() -> str:
    return _migrate(True)


@pytest.mark.parametrize("mode", ["faithful", "fixed"])
def test_no_todo_and_no_tensorflow_left(mode, request):
    out = request.getfixturevalue(mode)
    assert TODO_MARKER not in out
    assert legacy_refs_outside_todo(out) == []
    assert "import tensorflow" not in out
    compile(out, FIXTURE.name, "exec")


def test_layers_keep_tf1_initializers(faithful):
    # tf.Variable(pretrained) read by embedding_lookup: an Embedding starting from the same matrix
    # (TF1Embedding: its gradient dense, the repeated ids' slices summed as TF1 summed them)
    assert "TF1Embedding(\n            *keras.ops.shape(self.embeddings_lookup),\n" \
           "            embeddings_initializer=keras.initializers.Constant(self.embeddings_lookup),\n" in faithful
    # the conv filters: truncated normal 0.1, bias 0.1, 'VALID'; the max over the whole sequence
    assert "kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1)" in faithful
    assert "padding='valid'" in faithful
    assert "keras.ops.max_pool(h, (self.sequence_length - filter_size + 1, 1), strides=(1, 1), " \
           "padding='valid')" in faithful


def test_faithful_shares_only_what_tf1_shared(faithful):
    # output/W (get_variable under reuse) is ONE layer for the three towers; its tf.Variable bias
    # is per tower; the embedding and the convolutions are created per tower (tf.Variable)
    assert "TF1Bias(keras.initializers.Constant(0.1))(tf1_layer('output/W', lambda: keras.layers.Dense(" in faithful
    assert faithful.count("model.conv_net(") == 3 and "encoder" not in faithful


def test_fixed_builds_one_encoder(fixed):
    assert "encoder = keras.Model(encoder_input, model.conv_net(encoder_input), name='encoder')" in fixed
    for t in ("anchor", "positive", "negative"):
        assert f"{t}_output = encoder({t}_input)" in fixed
    assert "tf1_layer" not in fixed  # one encoder shares everything: no store needed


@pytest.mark.parametrize("mode", ["faithful", "fixed"])
def test_label_free_loss_is_a_loss_model(mode, request):
    out = request.getfixturevalue(mode)
    # the triplet loss has no label: the loss tensor is the model's output, trained on the batches
    # next_batch draws, the loss fetched before the update as sess.run returned it
    assert "model_2 = LossModel([anchor_input, positive_input, negative_input], loss)" in out
    assert "l = model_2.train_on_batch([batch_anchor, batch_positive, batch_negative])" in out
    assert "embedding = keras.Model(anchor_input, anchor_output).predict_on_batch(dataset.test_X)" in out
    # dead code of the original goes with what it read, nothing else: the l2 penalty nobody reads,
    # the step counter read only by minimize, the histogram loop
    body = out.split('"""', 2)[2]  # the code, not the fixture's docstring
    assert "l2_loss +=" not in body and "global_step" not in body and "trainable_variables" not in body
    assert "save_checkpoint(model_2, 'model_triplet/model.ckpt.weights.h5')" in out


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["faithful", "fixed"])
def test_migrated_program_runs_under_keras3(mode, request, tmp_path):
    out = request.getfixturevalue(mode)
    prog = tmp_path / FIXTURE.name
    prog.write_text(out, encoding="utf-8")
    env = {**os.environ, "TFM_EVAL_OUT": str(tmp_path / "eval.npz"), "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(prog)], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    losses = [float(line.split()[-1]) for line in r.stdout.splitlines() if line.startswith("#")]
    assert len(losses) == 3 and all(np.isfinite(losses))
    if mode == "faithful":
        # as in TF1 (docs/corpus.md): the unshared towers separate the three inputs by tower and
        # the loss reaches its 1e-9 floor within ~100 steps
        assert losses[-1] < 1e-6, losses
    ev = np.load(tmp_path / "eval.npz")
    assert np.isfinite(ev["d"]).all() and set(np.unique(ev["same"])) == {0.0, 1.0}
