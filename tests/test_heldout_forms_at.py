"""Held-out forms of issue 10 (round AT, session 32): the text-CNN tutorials' train() harness as
Lapis-Hong/atec-nlp writes it around a Siamese model class. Fast tier: no TensorFlow; slow:
verify and AUCs."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import migrate_text

FIX = Path(__file__).parent / "fixtures" / "heldout_at"

_run = functools.partial(migrate_text, name="at.py")


# -- exponential_decay of a step counter made OUTSIDE the model class -------------------------------

DECAY = FIX / "class_step_decay_outside.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_outside_step_counter_read_by_exponential_decay_becomes_the_schedule(fixes):
    # before: 13 TODO (TFM144 "the step counter step_var is read other than as a fetch of a run
    # or by tf.train.global_step": only the class's own counters were followed into the decay)
    out = _run(DECAY.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    assert "keras.optimizers.schedules.ExponentialDecay(" in out and "staircase=True" in out
    assert "TF1RMSprop(learning_rate=rate" in out and "opt.global_clipnorm = 3.0" in out
    assert "step_var = " not in out  # the optimizer's iterations count the updates
    assert "n = keras.ops.convert_to_numpy(pairscorer_model.optimizer.iterations)" in out
    assert _run(out, fixes) in (None, out)


@pytest.mark.parametrize("old,new", [
    # the counter starts at 5: TF1's first rate is the schedule at 5, Keras' at 0
    ('step_var = tf.Variable(0, name="global_step"', 'step_var = tf.Variable(5, name="global_step"'),
    # the rate is also fetched by a run: a tensor TF1 evaluates, not a schedule
    ("_, n, cost = sess.run([train_op, step_var, model.loss],",
     "_, n, cost, r = sess.run([train_op, step_var, model.loss, rate],"),
    # the rate feeds a second optimizer too
    ("    params = tf.trainable_variables()\n",
     "    params = tf.trainable_variables()\n    other = tf.train.AdamOptimizer(rate)\n"),
    # a decay of another form (polynomial_decay is a value of the step, not a schedule)
    ("tf.train.exponential_decay(0.02, step_var, 30, 0.5, staircase=True)",
     "tf.train.polynomial_decay(0.02, step_var, 30)"),
])
def test_outside_decay_forms_that_are_not_the_schedule_stay_tf1(old, new):
    src = DECAY.read_text()
    assert old in src
    out = _run(src.replace(old, new), False)
    assert TODO_MARKER in out
    assert not legacy_refs_outside_todo(out)


@pytest.mark.parametrize("old,new", [
    # the decay written as the optimizer's argument itself
    ("    rate = tf.train.exponential_decay(0.02, step_var, 30, 0.5, staircase=True)\n"
     "    opt = tf.train.RMSPropOptimizer(rate)\n",
     "    opt = tf.train.RMSPropOptimizer(tf.train.exponential_decay(0.02, step_var, 30, 0.5, staircase=True))\n"),
    # keywords throughout
    ("tf.train.exponential_decay(0.02, step_var, 30, 0.5, staircase=True)",
     "tf.train.exponential_decay(learning_rate=0.02, global_step=step_var, decay_steps=30, decay_rate=0.5,"
     " staircase=True)"),
    ("tf.train.RMSPropOptimizer(rate)", "tf.train.RMSPropOptimizer(learning_rate=rate)"),
])
def test_outside_decay_spellings_translate(old, new):
    src = DECAY.read_text()
    assert old in src
    out = _run(src.replace(old, new), False)
    assert TODO_MARKER not in out and "ExponentialDecay(" in out


@pytest.mark.slow
def test_outside_step_decay_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(DECAY, tmp_path)


@pytest.mark.slow
def test_outside_step_decay_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(DECAY, _run(DECAY.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- the text-CNN tutorials' TensorBoard / checkpoint harness around a class's clipped step ------------

HARNESS = FIX / "tutorial_summaries_harness.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_tutorial_harness_goes_with_its_summaries(fixes):
    # before: 25 TODO (TFM144 "a run fetches something other than net.<tensor> or its train op":
    # the gradient-summary loop over zip(grads, tvars) kept the clipped gradients; the graph_def
    # dump (TFM100), the path saver.save(.., global_step=) returned (TFM144))
    out = _run(HARNESS.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    for gone in ("summary_op", "summary_writer", "grad_summaries", "FileWriter", "zero_fraction", "graph_def",
                 "write_graph", "graph.txt",
                 "grads", "tvars"):
        assert gone not in out.split("def run_training", 1)[1], gone
    assert "optimizer.global_clipnorm = 5.0" in out
    # TF1's Saver.save returned "<prefix>-<step>", the checkpoint it wrote
    assert 'path = str(checkpoint_prefix) + "-" + str(int(step))' in out
    assert 'str(checkpoint_prefix) + "-" + str(int(step)) + ".weights.h5"' in out
    assert "os.makedirs(checkpoint_dir)" in out  # the program's own directory, kept
    assert _run(out, fixes) in (None, out)


def test_gradient_summaries_appended_as_made_go_too():
    src = HARNESS.read_text().replace(
        "            grad_hist_summary = tf.summary.histogram(\"{}/grad/hist\".format(v.name.replace(\":\", \"_\")), g)\n"
        "            sparsity_summary = tf.summary.scalar(\"{}/grad/sparsity\".format(v.name.replace(\":\", \"_\")),\n"
        "                                                 tf.nn.zero_fraction(g))\n"
        "            grad_summaries.append(grad_hist_summary)\n"
        "            grad_summaries.append(sparsity_summary)\n",
        "            grad_summaries.append(tf.summary.histogram(\"{}/grad/hist\".format(v.name), g))\n"
        "            grad_summaries.append(tf.summary.scalar(\"{}/grad/sparsity\".format(v.name),\n"
        "                                                    tf.nn.zero_fraction(g)))\n")
    assert src != HARNESS.read_text()
    out = _run(src, False)
    assert TODO_MARKER not in out and "zero_fraction" not in out.split("def run_training", 1)[1]


def test_clipped_gradients_read_besides_the_summaries_stay_tf1():
    src = HARNESS.read_text().replace(
        "    grad_summaries_merged = tf.summary.merge(grad_summaries)\n",
        "    grad_summaries_merged = tf.summary.merge(grad_summaries)\n    norms = [tf.norm(g) for g in grads]\n")
    out = _run(src, False)
    assert TODO_MARKER in out and "for g in grads]" in out and "grads, _ = tf.clip_by_global_norm(" in out
    assert not legacy_refs_outside_todo(out)


@pytest.mark.parametrize("old,new", [
    # the graph definition is also read by the program
    ("    graph_def = tf.get_default_graph().as_graph_def()\n",
     "    graph_def = tf.get_default_graph().as_graph_def()\n    print(len(graph_def.node))\n"),
    # the file is read after the block
    ("        f.write(str(graph_def))\n", "        f.write(str(graph_def))\n    print(f.name)\n"),
    # the block writes something else too
    ("        f.write(str(graph_def))\n", "        f.write(str(graph_def))\n        f.write('done')\n"),
])
def test_graph_dumps_read_otherwise_are_kept(old, new):
    src = HARNESS.read_text()
    assert old in src
    out = _run(src.replace(old, new), False)
    assert "graph_def" in out.split("def run_training", 1)[1]
    assert not legacy_refs_outside_todo(out)
    assert _run(out, False) in (None, out)


def test_graph_dump_spellings():
    from migrator.analysis.graph_dumps import drop_graph_dumps
    import libcst as cst

    src = ("import tensorflow as tf\n\nwith tf.Session() as s:\n"
           "    tf.io.write_graph(s.graph, 'logs', 'g.pb', as_text=False)\n"
           "    gd = s.graph.as_graph_def()\n"
           "    with tf.gfile.GFile('logs/g.pb', 'wb') as fh:\n        fh.write(gd.SerializeToString())\n"
           "    y = s.run(x)\n")
    out = drop_graph_dumps(cst.parse_module(src)).code
    assert out == "import tensorflow as tf\n\nwith tf.Session() as s:\n    y = s.run(x)\n"
    # not a session: another object's graph
    assert drop_graph_dumps(cst.parse_module("import tensorflow as tf\ntf.train.write_graph(m.graph, 'd', 'g')\n")) \
        is None


@pytest.mark.slow
def test_tutorial_harness_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(HARNESS, tmp_path)


@pytest.mark.slow
def test_tutorial_harness_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(HARNESS, _run(HARNESS.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- tf.Graph().as_default() + sess = tf.Session(config=..) + with sess.as_default(): --------------

DEFAULT = FIX / "graph_session_as_default.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_graph_and_session_default_blocks_translate(fixes):
    # before: 20 TODO (the outside decay of the step counter; the checkpoint path returned by
    # saver.save(sess, os.path.join(..), global_step=step) kept the Saver, so the session,
    # its ConfigProto and the graph's block)
    out = _run(DEFAULT.read_text(), fixes)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert not legacy_refs_outside_todo(out)
    body = out.split("def main", 1)[1]
    for gone in ("Graph", "ConfigProto", "session_conf", "sess", "as_default", "Saver"):
        assert gone not in body, gone
    assert "keras.layers.Dropout(1 - FLAGS.keep_prob)" in out
    assert 'path = str(os.path.join(save_dir, "ckpt")) + "-" + str(int(step))' in out
    assert _run(out, fixes) in (None, out)


def test_saved_path_of_a_call_with_effects_stays_tf1():
    src = DEFAULT.read_text().replace('os.path.join(save_dir, "ckpt")', 'next_path(save_dir)')
    out = _run(src, False)
    assert TODO_MARKER in out and "saver.save(" in out


@pytest.mark.slow
def test_graph_session_default_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(DEFAULT, tmp_path)


@pytest.mark.slow
def test_graph_session_default_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(DEFAULT, _run(DEFAULT.read_text(), False), tmp_path)
    assert min(aucs) > 0.8 and abs(aucs[0] - aucs[1]) < 0.05, aucs

