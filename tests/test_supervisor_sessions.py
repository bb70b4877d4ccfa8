"""``tf.train.Supervisor`` programs (TFM176's second pre-step, analysis/monitored_sessions.py
``desugar_supervisor``): without a logdir the Supervisor's managed session is a ``tf.Session``
whose variables are initialized, and ``should_stop()`` stays False; the program is written as that
session program and TFM140 translates it. Declined forms keep their TODO. Fast tier: no TensorFlow;
slow: verify EQUIVALENT."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.analysis.monitored_sessions import desugar_supervisor
from migrator.engine import migrate_source
from migrator.options import Options

FIX = Path(__file__).parent / "fixtures" / "heldout_u" / "supervisor_managed_session.py"
SRC = FIX.read_text()


@pytest.mark.parametrize("fixes", [False, True])
def test_supervisor_program_migrates_whole(fixes):
    out = migrate_source(SRC, "s.py", Options(fixes=fixes)).code
    cst.parse_module(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out and "managed_session" not in out.split('"""')[2]
    assert "encoder = keras.Model(encoder_input, tower(encoder_input)" in out
    assert "l = model.train_on_batch([X[i], X[j]], (Y[i] == Y[j]).astype(np.float32))" in out
    # the global step the run fetched is the optimizer's iterations
    assert "model.optimizer.iterations" in out
    assert migrate_source(out, "s.py", Options(fixes=fixes)).code == out


_LOOP = '''import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 1])
loss = tf.reduce_mean(tf.square(tf.layers.dense(x, 1) - y))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
sv = tf.train.Supervisor({kw})
with sv.managed_session({ms}) as sess:
{body}'''


def _desugar(kw="", ms="", body="    for i in range(3):\n        sess.run(train_op, {x: X, y: Y})\n", extra=""):
    new = desugar_supervisor(cst.parse_module(extra + _LOOP.format(kw=kw, ms=ms, body=body)))
    return None if new is None else new.code


def test_while_not_should_stop_and_if_should_stop_break():
    out = _desugar(body="    while not sv.should_stop():\n        sess.run(train_op, {x: X, y: Y})\n        break\n")
    assert "while True:\n" in out and "sv" not in out.replace("sess", "")
    out = _desugar(body="    for i in range(3):\n        if sv.should_stop():\n            break\n"
                        "        sess.run(train_op, {x: X, y: Y})\n")
    assert "should_stop" not in out and "    for i in range(3):\n        sess.run(train_op" in out
    assert "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n" in out


def test_config_goes_to_the_session_and_keywords_without_files_are_accepted():
    out = _desugar(kw="logdir=None, save_model_secs=0, global_step=None", ms="config=cfg")
    assert "with tf.Session(config=cfg) as sess:" in out and "Supervisor" not in out


@pytest.mark.parametrize("kw, ms, body, extra", [
    ("logdir='/tmp/run'", "", None, ""),                    # restores / saves checkpoints there
    ("init_op=my_init", "", None, ""),                      # another initializer
    ("", "", "    while not sv.should_stop():\n        sv.request_stop()\n", ""),   # a stop requested
    ("", "", "    sess.run(train_op)\n    print(sv.global_step)\n", ""),           # another use of sv
    ("", "", None, "q = tf.train.string_input_producer(['a'])\n"),                # queue runners it starts
    ("", "", "    try:\n        sess.run(train_op)\n    except tf.errors.OutOfRangeError:\n        pass\n", ""),
    ("", "master='grpc://x'", None, ""),                    # a remote master
    # the managed session is a plain tf.Session: a monitored session's should_stop() on it raised in TF1
    ("", "", "    while not sess.should_stop():\n        sess.run(train_op)\n", ""),
])
def test_declined_forms(kw, ms, body, extra):
    kwargs = {"kw": kw, "ms": ms, "extra": extra}
    if body is not None:
        kwargs["body"] = body
    assert _desugar(**kwargs) is None


def test_declined_supervisor_keeps_a_todo():
    out = migrate_source(SRC.replace("logdir=None", "logdir='/tmp/sv_run'"), "s.py", Options(fixes=False)).code
    assert TODO_MARKER in out and "Supervisor" in out


@pytest.mark.slow
def test_supervisor_program_is_equivalent_to_tf1(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    res = verify_pairs([(FIX, migrate_faithful(FIX, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    assert any("after one step" in ln for ln in lines), lines
