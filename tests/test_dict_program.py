"""TFM145: TF1 models built by a function returning a dict (imironhead's shape). Static, fast."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.migrate_cache import migrate_source  # one migration per input and run
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
IMIRONHEAD = ROOT / "tests" / "fixtures" / "realworld" / "imironhead_autoreuse.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_imironhead_translates_completely(fixes):
    res = migrate_source(IMIRONHEAD.read_text(), path=str(IMIRONHEAD), options=Options(fixes=fixes))
    assert res.status == "migrated"
    assert TODO_MARKER not in res.code
    code = res.code
    body = code.split('"""', 2)[2]  # after the module docstring
    assert "tensorflow" not in body and "session" not in body
    assert "labels = keras.Input(shape=(1,))" in code
    assert "trainer = LossModel([images_a, images_b, labels], loss)" in code
    assert "step = trainer.optimizer.iterations" in code
    assert "siamese_model['trainer'].train_on_batch([image_group_a, image_group_b, labels])" in code
    assert "def train_one_step(siamese_model, characters, batch_size):" in code
    assert "TruncatedNormal(stddev=0.02, seed=keras.random.SeedGenerator())" in code
    again = migrate_source(code, path=str(IMIRONHEAD), options=Options(fixes=fixes))
    assert again.code == code


BUILD = '''import tensorflow as tf


def build():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.float32, [None, 1])
    out = tf.layers.dense(x, 1)
    loss = tf.reduce_mean(tf.square(out - y))
    step = tf.get_variable('step', [], tf.int64, initializer=tf.constant_initializer(START), trainable=False)
    train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=step)
    return {'x': x, 'y': y, 'out': out, 'loss': loss, 'train': train, 'step': step}


def fit(sess, model, X, Y):
    FIT


model = build()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    fit(sess, model, X, Y)
'''


def _migrate(start="0", fit="sess.run(model['train'], {model['x']: X, model['y']: Y})"):
    src = BUILD.replace("START", start).replace("FIT", fit)
    return migrate_source(src, path="m.py", options=Options(fixes=False))


def test_dict_program_translates():
    res = _migrate()
    assert TODO_MARKER not in res.code
    assert "model['train'].train_on_batch([X, Y])" in res.code
    assert "def fit(model, X, Y):" in res.code and "fit(model, X, Y)" in res.code


def test_dict_training_run_fetching_a_tensor_of_the_step_translates():
    # (issue 10, held-out set I) the step's forward pass gives it: FetchingLossModel
    res = _migrate(fit="o = sess.run([model['train'], model['out']], {model['x']: X, model['y']: Y})")
    assert TODO_MARKER not in res.code
    assert "train = FetchingLossModel([x, y], [loss, out], 0)" in res.code


@pytest.mark.parametrize("start,fit", [
    ("5", "sess.run(model['train'], {model['x']: X, model['y']: Y})"),   # step not starting at 0
    ("0", "sess.run(model['train'], {model['x']: X})"),                 # label not fed
    ("0", "sess.run([model['train'], model['x']], {model['x']: X, model['y']: Y})"),  # a placeholder
    ("0", "print(model.keys())"),                                        # the dict used otherwise
])
def test_untranslatable_dict_programs_stay_marked(start, fit):
    res = _migrate(start, fit)
    assert "LossModel" not in res.code  # nothing half-translated: TFM140 keeps its TODOs
    assert TODO_MARKER in res.code


def test_assigned_session_and_close():
    src = BUILD.replace("START", "0").replace("FIT", "return sess.run(model['loss'], {model['x']: X, model['y']: Y})")
    src = src.replace("with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n    fit(sess, model, X, Y)\n",
                      "sess = tf.Session()\nsess.run(tf.global_variables_initializer())\nl = fit(sess, model, X, Y)\nsess.close()\n")
    res = migrate_source(src, path="m.py", options=Options(fixes=False))
    assert TODO_MARKER not in res.code
    assert "sess" not in res.code
    assert "return model['train'].predict_on_batch([X, Y])" in res.code
    assert res.code.rstrip().endswith("l = fit(model, X, Y)")


def test_run_through_an_untracked_session_keeps_the_program():
    src = BUILD.replace("START", "0").replace("FIT", "pass") + "other = make_session()\nother.run(model['out'], {model['x']: X})\n"
    res = migrate_source(src, path="m.py", options=Options(fixes=False))
    assert "LossModel" not in res.code and TODO_MARKER in res.code
