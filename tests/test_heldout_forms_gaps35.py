"""Held-out forms of round AG's nlml/dlass3 program left as TODO (session 35, "gaps"): a nested
feed helper choosing its dict by a constant argument (inlined at each run: the path's
assignments before the statement, the dict's values fed), a scalar placeholder every run feeds
one constant (that constant), a bool training flag read by ``tf.cond(flag, lambda: dropout,
lambda: h)`` through an object of a class inheriting its ``__init__``. Fast tier: no
TensorFlow; slow: legacy vs migrated runs."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from tests.legacy_pairs import assert_equivalent, legacy_and_migrated_aucs
from tests.outputs import assert_idempotent, body, migrate_text, undefined_names

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_gaps"
BRANCH = FIX / "branch_feed_margin.py"

_run = functools.partial(migrate_text, name="gaps35.py")


@pytest.mark.parametrize("fixes", [False, True])
def test_branching_feed_helper_is_inlined_per_run(fixes):
    out = _run(BRANCH.read_text(), fixes)
    b = body(out)
    assert TODO_MARKER not in out
    assert "def feed(" not in b  # every call was a translated run's feed
    # the 'train' path: its batch drawn before the step, the helper's parameter replaced
    # (TF1 converted the batch the file's own method returned to the placeholders' dtypes)
    assert ("        xa, xb, ys = train.next(64)\n        model.train_on_batch([np.asarray(xa), np.asarray(xb)], "
            "np.asarray(ys, \"float32\"))") in b
    # the 'val' path with a chunk (a loop variable over range: never None)
    assert "lo, hi = bounds[k], bounds[k + 1]" in b
    assert "model.predict_on_batch([va[lo:hi], vb[lo:hi]])" in b
    # the margin every run fed; the training flag the tf.cond read through the object
    assert "margin = MARGIN  # the one value every run fed" in b
    assert "flag = True  # the value its training runs fed" in b
    assert "keras.ops.where(self.flag, keras.layers.Dropout(1 - KEEP)(h), h)" in b
    assert not undefined_names(out)


def test_selecting_argument_not_constant_keeps_the_todo():
    src = BRANCH.read_text().replace("feed(train, 'train')", "feed(train, sys.argv[1])").replace(
        "import os\n", "import os\nimport sys\n")
    out = _run(src)
    assert "feed_dict is not a dict literal" in out
    assert "def feed(" in out


def test_chunk_argument_that_may_be_none_keeps_the_todo():
    # ``part`` bound to a name that is no loop variable over range: ``part is None`` undecided
    src = BRANCH.read_text().replace("for k in range(2):", "for k in [0, None]:")
    out = _run(src)
    assert "feed_dict is not a dict literal" in out


def test_path_names_clashing_with_the_caller_keep_the_todo():
    # the 'train' path's ``xa`` is also a name of main(): inlining would rebind it
    src = BRANCH.read_text().replace("ta, tb, ts = Batches", "xa, tb, ts = Batches").replace(
        "feed_dict={left: ta,", "feed_dict={left: xa,")
    out = _run(src)
    assert "feed_dict is not a dict literal" in out


def test_margin_fed_two_values_stays_a_placeholder():
    src = BRANCH.read_text().replace(
        "same: vs[lo:hi], flag: False, margin: MARGIN}", "same: vs[lo:hi], flag: False, margin: 0.2}")
    out = _run(src)
    assert "margin = MARGIN" not in out
    assert TODO_MARKER in out and "scalar placeholder" in out


def test_margin_needed_by_a_run_that_does_not_feed_it_stays_a_placeholder():
    # TF1 raised on that run (the loss reads the margin): no constant is made up for it
    src = BRANCH.read_text().replace("d = sess.run(d2, feed_dict={left: ta, right: tb, flag: False})",
                                     "d = sess.run(d2, feed_dict={left: ta, right: tb, flag: False})\n"
                                     "        print(sess.run(loss, feed_dict={left: ta, right: tb, same: ts, "
                                     "flag: False}))")
    out = _run(src)
    assert "margin = MARGIN" not in out
    assert TODO_MARKER in out


def test_flag_fed_true_at_evaluation_is_no_keras_mode():
    # an evaluation run with the dropout on: Keras' inference mode would not drop
    src = BRANCH.read_text().replace("same: vs, flag: False", "same: vs, flag: True").replace(
        "same: vs[lo:hi], flag: False", "same: vs[lo:hi], flag: True")
    out = _run(src)
    assert "flag = True  # the value its training runs fed" not in out
    assert TODO_MARKER in out


@pytest.mark.slow
def test_branching_feed_helper_program_is_equivalent_to_tf1(tmp_path):
    assert_equivalent(BRANCH, tmp_path)


@pytest.mark.slow
def test_branching_feed_helper_program_ranks_like_tf1(tmp_path):
    aucs = legacy_and_migrated_aucs(BRANCH, _run(BRANCH.read_text(), False), tmp_path)
    assert min(aucs) > 0.7 and abs(aucs[0] - aucs[1]) < 0.05, aucs


# -- verify: a legacy train op the program never runs (round AH's classification head) -------------

HEAD = FIX / "unrun_head_op.py"


@pytest.mark.slow
def test_verify_leaves_out_only_what_another_train_op_updates(tmp_path):
    """The head's variables get gradients only from the head's own minimize, which no run runs:
    the step verify probes leaves them alone and the Keras model trained holds no head - they
    are reported (not a partial load refused); a Keras model missing a layer the probed step's
    loss reads is still refused."""
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    good = migrate_faithful(HEAD, tmp_path / "m")
    text = good.read_text()
    assert "    return keras.layers.Dense(8)(h)\n" in text
    bad = tmp_path / "bad" / good.name
    bad.parent.mkdir()
    bad.write_text(text.replace("    return keras.layers.Dense(8)(h)\n", "    return h[:, :8]\n"))
    res = verify_pairs([(HEAD, good), (HEAD, bad)], workdir=tmp_path / "v")
    ok, lines = judge(res[0])
    assert ok, "\n".join(lines + res[0].get("mapping", []))
    other = [m for m in res[0]["mapping"] if "only another train op" in m]
    assert sorted(m.split()[1] for m in other) == ["head/bias", "head/kernel"], res[0]["mapping"]
    ok, lines = judge(res[1])
    assert not ok and "do not match" in res[1].get("error", ""), lines
    assert any("UNUSED legacy variable embed/out/kernel" in m for m in res[1]["mapping"])


# -- add_to_collection of unread keys beside a Saver.save TFM140 translates (round AJ) ---------------

SAVER = FIX / "collection_beside_saver.py"


@pytest.mark.parametrize("fixes", [False, True])
def test_unread_collections_beside_a_translated_saver_go(fixes):
    out = _run(SAVER.read_text(), fixes)
    b = body(out)
    assert TODO_MARKER not in out
    assert "add_to_collection" not in b and "collection_" not in b
    assert 'save_checkpoint(model, "%s-%d.weights.h5" % (os.path.join(out_dir, "model.ckpt"), step))' in b
    assert not undefined_names(out)
    assert_idempotent(out, fixes)  # (the second run used to drop them: the save is Keras by then)


def test_collections_beside_a_saver_that_stays_tf1_stay():
    # the Saver's program stays TF1 (a run fed through an unknown helper): the meta graph it
    # writes carries the collections - the adds stay
    src = SAVER.read_text().replace(
        "sess.run(train_op, feed_dict={left: data[i], right: data[j], same: (labels[i] == labels[j]).astype(np.float32)})",
        "sess.run(train_op, feed_dict=make_feed(i, j))")
    out = _run(src)
    assert 'tf.add_to_collection("train_loss", loss)' in out
    assert "saver.save(sess" in out


def test_a_collection_read_back_beside_a_saver_stays():
    src = SAVER.read_text().replace("ti = np.random", "print(tf.get_collection('left_output'))\nti = np.random")
    out = _run(src)
    assert 'tf.add_to_collection("train_loss", loss)' in out


# -- one initializer name given to two variable_scopes around a TF1 cell (round AI) ------------------

_CELL_TWICE = '''import tensorflow as tf


def encode(x):
    cell = tf.contrib.rnn.BasicLSTMCell(8, forget_bias=1.0)
    out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    return out[:, -1]


x = tf.placeholder(tf.float32, [None, 5, 3])
init = tf.random_normal_initializer(0.0, 0.2)
with tf.variable_scope("model", initializer=init):
    a = encode(x)
with tf.variable_scope("model", reuse=True, initializer=init):
    b = encode(x)
'''


@pytest.mark.parametrize("fixes", [False, True])
def test_one_initializer_name_in_two_scopes_is_one_initializer(fixes):
    out = _run(_CELL_TWICE, fixes)
    assert "different initializer=" not in out
    assert "kernel_initializer=keras.initializers.RandomNormal(stddev=0.2" in out
    assert_idempotent(out, fixes)


def test_a_local_of_another_branch_is_not_read_from_the_caller():
    # ``feed('b')`` reads the helper's local ``xb`` that only the 'a' path assigns: TF1 raised
    # UnboundLocalError; inlined, it would read the module's ``xb`` - no inline feed
    src = BRANCH.read_text().replace(
        "            lo, hi = bounds[part], bounds[part + 1]\n",
        "            if mode == 'never':\n                va = vb\n            lo, hi = bounds[part], bounds[part + 1]\n")
    assert "                va = vb\n" in src
    out = _run(src)
    assert "feed_dict is not a dict literal" in out
