"""A TF1 RNN cell shared through ``reuse=`` (chiaminchuang_malstm, tests/fixtures/realworld).

TF1: ``LSTMCell(reuse=tf.get_variable_scope().reuse)`` made under ``variable_scope('LSTM',
reuse=flag)`` creates nothing; ``dynamic_rnn`` builds it under ``<scope>/rnn/lstm_cell`` the first
time it runs it, and a cell made with reuse=True reads the variables already there - so two towers
calling the builder with reuse None / True share one kernel. The kernel takes the initializer of
the enclosing ``variable_scope(..., initializer=...)`` (the cell has none of its own). Fast tests:
the sharing analysis (analysis/sharing.py) and the fixture's migration (one encoder, the scope's
initializer, the session gone from ``run_epoch``); slow: verify on the fixture (the legacy program
and the faithful migration with the same weights).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
MALSTM = ROOT / "tests" / "fixtures" / "realworld" / "chiaminchuang_malstm.py"

TOWERS = '''import tensorflow as tf

class Net:
    def __init__(self, a, b):
        self.o1 = self.encode(a, reuse=None)
        self.o2 = self.encode(b, reuse=REUSE)

    def encode(self, sequence, reuse=None):
        with tf.variable_scope('enc', reuse=reuse):
            cell = tf.nn.rnn_cell.LSTMCell(4, reuse=tf.get_variable_scope().reuse)
        outputs, _ = tf.nn.dynamic_rnn(cell, sequence, dtype=tf.float32)
        return outputs
'''


def _groups(src: str):
    from migrator.analysis.sharing import Sharing
    import migrator.analysis.sharing as S

    seen = []
    orig = S.Sharing._run

    def spy(self):
        orig(self)
        seen.append(self)

    S.Sharing._run = spy
    try:
        migrate_source(src, "x.py", Options(wrap_lines=False, fixes=False))
    finally:
        S.Sharing._run = orig
    assert seen and isinstance(seen[0], Sharing)
    return seen[0].groups


def test_cell_made_with_reuse_true_shares_the_first_cells_variables():
    (g,) = _groups(TOWERS.replace("REUSE", "True"))
    assert g.verdict == "shared" and g.shared == ["rnn/lstm_cell/<weights>"]


def test_two_fresh_cells_run_in_one_scope_raise_as_tf1_does():
    # no reuse: the second dynamic_rnn builds lstm_cell again under rnn/ -> "already exists"
    (g,) = _groups(TOWERS.replace("REUSE", "None"))
    assert g.verdict == "raises" and "already exists" in g.error


@pytest.mark.parametrize("fixes", [False, True], ids=["faithful", "fixed"])
def test_malstm_migrates_completely(fixes):
    out = migrate_source(MALSTM.read_text(encoding="utf-8"), MALSTM.name, Options(wrap_lines=False, fixes=fixes)).code
    assert TODO_MARKER not in out and "import tensorflow" not in out
    # one encoder for both towers, its input in the towers' float64
    assert out.count("keras.Model(encoder_input, self.LSTM(encoder_input), name='encoder')") == 1
    assert "encoder_input = keras.Input(shape=self.embedded_A.shape[1:], dtype=self.embedded_A.dtype)" in out
    assert "self.outputs_A = encoder(self.embedded_A)" in out and "self.outputs_B = encoder(self.embedded_B)" in out
    # the kernel's initializer: the outer variable_scope's random_normal(0, 0.2)
    assert ("TF1LSTMCell(self.hidden_size, forget_bias=1.0, "
            "kernel_initializer=keras.initializers.RandomNormal(stddev=0.2))") in out
    # run_epoch(model, session, ...): the session parameter and argument go, the runs are the model's
    assert "def run_epoch(model, data, global_steps):" in out and "run_epoch(model, train_data, global_steps)" in out
    assert "model.train_op.train_on_batch([np.asarray(sentence_A)" in out
    assert "def __init__(self, config, embeddings, is_training=True):" in out
    assert migrate_source(out, MALSTM.name, Options(wrap_lines=False, fixes=fixes)).code == out


@pytest.mark.slow
def test_malstm_faithful_migration_verifies_equivalent(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    mig = migrate_faithful(MALSTM, tmp_path / "m")
    (res,) = verify_pairs([(MALSTM, mig)], workdir=tmp_path / "v")
    ok, lines = judge(res)
    assert ok, "\n".join(lines + res.get("mapping", []))
