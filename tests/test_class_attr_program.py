"""yoon28/siamnet's shape (TFM144 + TFM135 + TFM205 + TFM130): placeholders as CLASS
attributes, per-layer ``variable_scope(reuse=flag)`` + get_variable conv layers in a loop, a
``sharing`` flag deciding the second tower's reuse, a learned L1 weighting get_variable read by
``tf.multiply``, compute/apply_gradients through ``self`` attributes, metrics by
``tf.count_nonzero`` / ``tf.cond`` fetched by the training run with a merged summary,
Saver(global_step) + checkpoint_exists. Static, fast."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.migrate_cache import migrate_source  # one migration per input and run
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
YOON28 = ROOT / "tests" / "fixtures" / "realworld" / "yoon28_siamnet.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_yoon28_translates_completely(fixes):
    res = migrate_source(YOON28.read_text(), path=str(YOON28), options=Options(wrap_lines=False, fixes=fixes))
    assert res.status == "migrated"
    code = res.code
    assert TODO_MARKER not in code and legacy_refs_outside_todo(code) == []
    body = code.split('"""', 2)[2]  # after the module docstring
    assert "tensorflow" not in body and "session" not in body and "saver" not in body
    # class attributes stay class attributes
    assert "    x_1 = keras.Input(shape=(og.im_size, og.im_size, og.im_channel))" in code
    assert "    y = keras.Input(shape=())" in code
    # the conv layers of the loop and after it (xavier = glorot uniform, zero bias, VALID)
    assert code.count("keras.layers.Conv2D(") == 2 and "get_variable" not in body
    assert code.count("kernel_initializer=keras.initializers.GlorotUniform()") == 3
    assert code.count("padding='valid',") == 2
    # one encoder when sharing, a fresh tower otherwise
    assert "self.h2 = encoder(self.x_2) if sharing else self.build_model(self.x_2, varscope, sharing)" in code
    assert ("self.alpha = TF1Variable([1, 64], keras.initializers.RandomNormal(stddev=0.2), tf1_name='alpha')(l1dist)"
            in code)
    assert "self.training = LossModel([self.x_1, self.x_2, self.y], self.loss)" in code
    assert "self.training.compile(optimizer=optim)" in code
    assert "self.n_trues = keras.ops.cast(keras.ops.count_nonzero(self.y), 'float32')" in code
    assert ("self.precision = keras.ops.where(keras.ops.greater(self.n_pos, 0.0), comp_pr(), outputzero())"
            in code)
    # the training run: metrics of the same batch before the step, then the step
    assert ("[loss, precision, recall, fpr] = tf1_fetches([model.x_1, model.x_2, model.y], [model.loss, "
            "model.precision, model.recall, model.fpr]).predict_on_batch([x1, x2, y])\n"
            "        model.training.train_on_batch([x1, x2, y])") in code
    assert 'if os.path.exists(str(save_name) + ".weights.h5"):' in code
    assert "model.training.save_weights(str(save_name) + '-' + str(int(step)) + \".weights.h5\")" in code
    again = migrate_source(code, path=str(YOON28), options=Options(wrap_lines=False, fixes=fixes))
    assert again.code == code


def test_training_run_fetching_metrics_with_dropout_reads_the_training_pass():
    """Keras' predict runs in inference mode: with dropout the metrics TF1 fetched from the
    training forward pass are not what an evaluation computes. The training step returns them
    from its own forward pass (FetchingLossModel: ``train_on_batch(...)["fetched"]``); never an
    evaluation after the step. (``tf.layers.dropout`` without ``training=`` never drops in TF1:
    the dropout here is ``tf.nn.dropout`` with a constant keep probability.)"""
    src = YOON28.read_text().replace(
        "l1dist = tf.abs(self.h1 - self.h2)", "l1dist = tf.nn.dropout(tf.abs(self.h1 - self.h2), 0.5)")
    assert src != YOON28.read_text()
    code = migrate_source(src, path=str(YOON28), options=Options(wrap_lines=False, fixes=False)).code
    assert "keras.layers.Dropout(0.5)" in code
    assert "FetchingLossModel([self.x_1, self.x_2, self.y], [self.loss, self.precision" in code
    assert 'train_on_batch([x1, x2, y], return_dict=True)["fetched"]' in code
