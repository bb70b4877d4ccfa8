"""Held-out forms of issue 10 (round X, session 29).

* a class's keep_prob placeholder fed, in its training run, a MODULE CONSTANT by name
  (``keep_prob = 0.75`` ... ``{net.keep_prob: keep_prob}``) or a constant local of the function
  running the steps (before: only a number literal counted, and the whole class stayed TF1);
* ``model.out.eval(session=sess, feed_dict=..)`` (or ``.eval(feed_dict=..)`` under ``with
  tf.Session() as sess:``) in a FUNCTION - ``main()`` reading the module's instance, or
  ``evaluate(sess, model, x)`` given both: before, such an eval was skipped while its class was
  translated, and stayed TF1 with no TODO, reading placeholders that no longer existed (a
  dangling ``model.keep``; it crashed). Now a run of that session, or a TODO saying why.

Regression tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent
from tests.outputs import migrate_text as _migrate, body as _body, assert_idempotent as _idempotent

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_x"


@pytest.mark.parametrize("fixes", [False, True])
@pytest.mark.parametrize("name", ["keep_const_feed_mlp.py", "eval_in_functions_mlp.py"])
def test_fixture_translates_whole(name, fixes):
    out = _migrate((FIX / name).read_text(), fixes)
    body = _body(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert legacy_refs_outside_todo(out) == []
    assert "keras.layers.Dropout(0.25)(h)" in body  # keep 0.75 -> rate 0.25, training only
    assert "keep_prob" not in body.split("class siamese")[1].split("digits = load_digits()")[0]  # no placeholder
    assert ".eval(" not in body and "Session" not in body
    if name == "eval_in_functions_mlp.py":
        assert "def embed(model, x):\n    return keras.Model(model.image1, model.out1).predict_on_batch(x)" in body
        assert "emb = embed(net, x_te)" in body
    compile(out, "x.py", "exec")
    _idempotent(out, fixes)


_CLASS = '''import tensorflow as tf


class Net:
    def __init__(self):
        self.x = tf.placeholder(tf.float32, [None, 4])
        self.keep = tf.placeholder(tf.float32)
        self.y = tf.placeholder(tf.float32, [None])
        h = tf.layers.dense(self.x, 8, activation=tf.nn.relu)
        h = tf.nn.dropout(h, self.keep)
        self.out = tf.layers.dense(h, 1)
        self.loss = tf.reduce_mean(tf.square(tf.squeeze(self.out, 1) - self.y))


net = Net()
train_op = tf.train.AdamOptimizer(0.01).minimize(net.loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
{binding}
for i in range(3):
    sess.run(train_op, feed_dict={{net.x: xs, net.y: ys, net.keep: {fed}}})
pred = sess.run(net.out, feed_dict={{net.x: xs, net.keep: 1.0}})
'''


@pytest.mark.parametrize("binding, fed, rate", [
    ("KEEP = 0.6", "KEEP", "0.4"),
    # a function's parameter of the same name shadows it only in that function: the feed reads the
    # module's (round AJ: Flow.binding_scope)
    ("KEEP = 0.6\n\n\ndef f(KEEP):\n    return KEEP", "KEEP", "0.4"),
    ("", "0.6", "0.4"),          # the literal, as before
    ("keep = 1", "keep", "0.0"),  # an int constant: dropout off in training too
])
def test_module_constant_feeds_become_the_dropout_rate(binding, fed, rate):
    out = _migrate(_CLASS.format(binding=binding, fed=fed))
    assert TODO_MARKER not in out, out
    assert f"keras.layers.Dropout({rate})" in out
    _idempotent(out)


@pytest.mark.parametrize("binding, fed", [
    ("KEEP = 0.6\nKEEP = 0.9", "KEEP"),           # bound twice: not one value
    ("KEEP = float(input())", "KEEP"),            # not a number literal
])
def test_a_name_that_is_not_one_module_number_stays_an_honest_todo(binding, fed):
    out = _migrate(_CLASS.format(binding=binding, fed=fed))
    assert TODO_MARKER in out and "h = tf.nn.dropout(h, self.keep)" in out  # kept, with its reason
    assert "keras.layers.Dropout(" not in out and legacy_refs_outside_todo(out) == []
    compile(out, "x.py", "exec")
    _idempotent(out)


_MAIN = _CLASS.replace("sess = tf.Session()\nsess.run(tf.global_variables_initializer())\n{binding}\n"
                       "for i in range(3):\n    sess.run(", "def main():\n    {binding}\n"
                       "    sess = tf.Session()\n    sess.run(tf.global_variables_initializer())\n"
                       "    for i in range(3):\n        sess.run(")
_MAIN = _MAIN.replace("\npred = sess.run(", "\n    pred = sess.run(") + "\n\nmain()\n"


def test_main_fn_template_is_the_class_program():
    assert "def main():" in _MAIN and "    pred = sess.run(net.out" in _MAIN
    compile(_MAIN.format(binding="KEEP = 0.6", fed="KEEP"), "m.py", "exec")


@pytest.mark.parametrize("binding, rate", [("KEEP = 0.6", "0.4"), ("KEEP = 1.0", "0.0")])
def test_a_local_constant_of_the_function_running_the_steps_is_the_rate(binding, rate):
    # the program in a main(): the constant is a local of main (spelling variant main_fn)
    out = _migrate(_MAIN.format(binding=binding, fed="KEEP"))
    assert f"keras.layers.Dropout({rate})" in out, out
    assert "tf.nn.dropout" not in out and legacy_refs_outside_todo(out) == []
    _idempotent(out)


@pytest.mark.parametrize("binding", [
    "KEEP = 0.6\n    KEEP = 0.9",                 # bound twice in main
    "global KEEP\n    KEEP = 0.6",                 # a global assigned in main
    "KEEP = FRACTION = 0.6",                      # a chained assignment
])
def test_a_local_that_is_not_one_number_stays_an_honest_todo(binding):
    out = _migrate(_MAIN.format(binding=binding, fed="KEEP"))
    assert "keras.layers.Dropout(" not in out
    assert TODO_MARKER in out and "h = tf.nn.dropout(h, self.keep)" in out
    compile(out, "x.py", "exec")
    _idempotent(out)


_BASE = _CLASS.split("net = Net()")[0] + "net = Net()\ntrain_op = tf.train.AdamOptimizer(0.01).minimize(net.loss)\n"
_STEPS = "    for i in range(3):\n        sess.run(train_op, feed_dict={net.x: xs, net.y: ys, net.keep: 0.6})\n"
_EVALS = {
    "main_named": ("\n\ndef main():\n    sess = tf.Session()\n    sess.run(tf.global_variables_initializer())\n"
                   + _STEPS + "    return net.out.eval(session=sess, feed_dict={net.x: xs, net.keep: 1.0})\n\n\nmain()\n"),
    "main_default": ("\n\ndef main():\n    with tf.Session() as sess:\n        sess.run(tf.global_variables_initializer())\n"
                     + _STEPS.replace("\n    ", "\n        ").replace("    for", "        for", 1)
                     + "        return net.out.eval(feed_dict={net.x: xs, net.keep: 1.0})\n\n\nmain()\n"),
    "given": ("\n\ndef evaluate(sess, model, x):\n    return model.out.eval(session=sess, feed_dict={model.x: x, "
              "model.keep: 1.0})\n\n\ndef main():\n    sess = tf.Session()\n    sess.run(tf.global_variables_initializer())\n"
              + _STEPS + "    return evaluate(sess, net, xs)\n\n\nmain()\n"),
}


@pytest.mark.parametrize("form", sorted(_EVALS))
def test_an_eval_in_a_function_is_a_run_of_its_session(form):
    src = _BASE + _EVALS[form]
    compile(src, "e.py", "exec")
    out = _migrate(src)
    assert TODO_MARKER not in out and "import tensorflow" not in out, out
    assert legacy_refs_outside_todo(out) == []
    assert ".eval(" not in out and "keep" not in out.split("def main")[0].split("class Net")[1].replace(
        "Dropout", "")  # no placeholder read left
    assert "keras.layers.Dropout(0.4)" in out
    assert ("keras.Model(model.x, model.out).predict_on_batch(x)" if form == "given"
            else "keras.Model(net.x, net.out).predict_on_batch(xs)") in out
    if form == "given":
        assert "def evaluate(model, x):" in out and "evaluate(net, xs)" in out  # the session parameter goes
    _idempotent(out)


@pytest.mark.parametrize("tail", [
    # an eval in main() on the default session of something else than a session block of main
    "\n\ndef main():\n    sess = tf.Session()\n    sess.run(tf.global_variables_initializer())\n" + _STEPS
    + "    with sess.as_default():\n        return net.out.eval(feed_dict={net.x: xs, net.keep: 1.0})\n\n\nmain()\n",
    # a function given the session whose eval runs on the default (interactive) session instead
    "\n\ndef evaluate(sess, model, x):\n    return model.out.eval(feed_dict={model.x: x, model.keep: 1.0})\n\n\n"
    "def main():\n    sess = tf.InteractiveSession()\n    sess.run(tf.global_variables_initializer())\n" + _STEPS
    + "    return evaluate(sess, net, xs)\n\n\nmain()\n",
    # a function given the session that also reads it otherwise (passes it on)
    "\n\ndef evaluate(sess, model, x):\n    print(sess)\n    return model.out.eval(session=sess, feed_dict={model.x: x, "
    "model.keep: 1.0})\n\n\ndef main():\n    sess = tf.Session()\n    sess.run(tf.global_variables_initializer())\n"
    + _STEPS + "    return evaluate(sess, net, xs)\n\n\nmain()\n",
])
def test_an_eval_that_cannot_be_mapped_keeps_the_class_with_a_reason(tail):
    out = _migrate(_BASE + tail)
    assert TODO_MARKER in out and "self.keep = tf.placeholder" in out  # the class stays TF1 ...
    assert ".eval(" in out and "keras.layers.Dropout(" not in out   # ... and the eval with it
    compile(out, "x.py", "exec")
    _idempotent(out)


def test_a_configured_session_read_by_a_translated_eval_goes_with_its_config():
    # gpu_growth spelling: the session's only other read is model.t.eval(session=sess, ..), a run
    # of the class (session_consumed) - so the ConfigProto configures nothing left and goes
    src = (FIX / "keep_const_feed_mlp.py").read_text().replace(
        "sess = tf.Session()\n",
        "config = tf.ConfigProto()\nconfig.gpu_options.allow_growth = True\nsess = tf.Session(config=config)\n")
    assert "ConfigProto" in src
    out = _migrate(src)
    assert TODO_MARKER not in out and "ConfigProto" not in out and "config" not in _body(out)
    _idempotent(out)


# -- slow: the migrated program runs and matches TF1 -------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["keep_const_feed_mlp.py", "eval_in_functions_mlp.py"])
def test_fixture_is_equivalent_to_tf1(name, tmp_path):
    src = FIX / name
    assert_equivalent(src, tmp_path)
