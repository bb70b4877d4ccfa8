"""Two forms of TF1 training scripts (TFM140):

* a training run that fetches a learning rate decayed from the step counter
  (``_, l, cur = sess.run([train, loss, lr], feed)``, analysis/step_counter ``rate_fetched``): TF1
  computed it from the step before the run's increment, so ``cur`` is the schedule called with
  the optimizer's iterations on the line before ``train_on_batch``. It kept the whole program TF1
  ("the training run fetches more than the train op and its loss");
* the module's bool placeholder read directly as ``tf.cond(is_training, lambda:
  tf.nn.dropout(d, keep_prob), lambda: d)`` in a tower function, fed True by every training run
  and False by the others: ``keras.ops.where(True, Dropout(..)(d), d)``, Keras' mode deciding (as
  the same flag passed through an object already was). It was "hyper placeholder is_training is
  also used in ...".

Fast tier: the text; slow tier: verify on both fixtures and the rates the migrated program logs."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIX = Path(__file__).parent / "fixtures" / "real_sweep"
RATE = FIX / "decay_rate_fetch_triplet.py"
FLAG = FIX / "cond_dropout_flag_pairs.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_a_fetched_decayed_rate_is_read_before_the_step(fixes):
    out = migrate_text(RATE.read_text(), fixes)
    assert TODO_MARKER not in out
    assert ("    cur = keras.ops.convert_to_numpy(lr(model.optimizer.iterations))\n"
            "    l = model.train_on_batch([X[i], X[pp], X[nn]])\n") in out
    assert "lr = keras.optimizers.schedules.ExponentialDecay(" in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def test_a_rate_fetched_into_underscore_is_not_read():
    src = RATE.read_text().replace("_, l, cur = sess.run([train, loss, lr]", "_, l, _ = sess.run([train, loss, lr]")
    src = src.replace("    rates.append(cur)\n", "").replace(" lr %.5f' % (it, l, cur))", "' % (it, l))")
    out = migrate_text(src, False)
    assert TODO_MARKER not in out and "lr(model.optimizer.iterations)" not in out
    assert "    l = model.train_on_batch([X[i], X[pp], X[nn]])\n" in out


@pytest.mark.parametrize("fixes", [False, True])
def test_a_cond_dropout_on_the_flag_placeholder_follows_keras_mode(fixes):
    out = migrate_text(FLAG.read_text(), fixes)
    assert TODO_MARKER not in out
    assert "is_training = True  # the value its training runs fed\n" in out
    assert "    d = keras.ops.where(is_training, keras.layers.Dropout(0.3)(d), d)\n" in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def test_a_flag_fed_otherwise_keeps_its_todo():
    # training runs feed a value that changes from run to run: no one mode Keras could stand for
    src = FLAG.read_text().replace("keep_prob: 0.7,\n                            is_training: True}",
                                   "keep_prob: 0.7,\n                            is_training: it % 2 == 0}")
    assert src != FLAG.read_text()
    out = migrate_text(src, False)
    assert TODO_MARKER in out and "tf.placeholder(tf.bool)" in out


@pytest.mark.slow
@pytest.mark.parametrize("fixture", [RATE, FLAG], ids=lambda p: p.stem)
def test_the_programs_compute_what_tf1_computes(fixture, tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(fixture, tmp_path)


@pytest.mark.slow
def test_the_logged_rates_are_tf1s(tmp_path):
    import os
    import subprocess
    import sys

    (tmp_path / "m.py").write_text(migrate_text(RATE.read_text(), False))
    env = dict(os.environ, TFM_EVAL_OUT=str(tmp_path / "e.npz"), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    outs = []
    for cmd in ([sys.executable, "-m", "migrator.legacy.run", str(RATE)], [sys.executable, str(tmp_path / "m.py")]):
        p = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr[-2000:]
        outs.append(next(ln for ln in p.stdout.splitlines() if ln.startswith("rates")).split()[1:])
    legacy, keras_ = ([float(v) for v in o] for o in outs)
    assert legacy[0] == pytest.approx(0.1) and legacy[1] == pytest.approx(0.096)
    assert keras_ == pytest.approx(legacy, rel=1e-6)
