"""Held-out forms of issue 10 (branch heldO): graph collections of the user's own keys that only
the file could read (TFM183's pre-step). Regression tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_o"


def _faithful(name: str) -> str:
    src = (FIX / name).read_text()
    return migrate_source(src, name, Options(fixes=False)).code


def _desugar(src: str) -> str | None:
    from migrator.analysis.user_collections import desugar_user_collections

    m = desugar_user_collections(cst.parse_module("import tensorflow as tf\n" + src))
    return m.code.split("\n", 1)[1] if m is not None else None


# -- tf.add_to_collection of a user key (TFM183's pre-step) ----------------------------------------

def test_collections_nobody_reads_are_dropped_and_the_program_translates():
    out = _faithful("collection_embeddings.py")
    assert TODO_MARKER not in out and "add_to_collection" not in out.split('"""', 2)[2]
    assert "import tensorflow" not in out and "train_on_batch" in out
    assert migrate_source(out, "c.py", Options(fixes=False)).code in (None, out)


def test_a_collection_the_file_reads_becomes_a_module_list():
    out = _desugar("def tower(x):\n    y = f(x)\n    tf.add_to_collection('outs', y)\n    return y\n\n"
                   "a = tower(p)\nb = tower(q)\nboth = tf.get_collection('outs')\nref = tf.get_collection_ref('outs')\n")
    assert out == ("collection_outs = []\ndef tower(x):\n    y = f(x)\n    collection_outs.append(y)\n    return y\n\n"
                   "a = tower(p)\nb = tower(q)\nboth = list(collection_outs)\nref = collection_outs\n")


def test_the_list_is_made_after_a_module_level_reset_and_avoids_taken_names():
    out = _desugar("collection_k = 3\ntf.reset_default_graph()\ntf.add_to_collection('k', t)\n"
                   "r = tf.get_collection('k')\n")
    assert out == ("collection_k = 3\ntf.reset_default_graph()\ncollection_k_2 = []\ncollection_k_2.append(t)\n"
                   "r = list(collection_k_2)\n")


def test_only_add_in_a_block_leaves_pass():
    assert _desugar("def f(t):\n    tf.add_to_collection('k', t)\n") == "def f(t):\n    pass\n"


def test_tf_own_keys_are_left_to_their_rules():
    out = _desugar("tf.add_to_collection('mine', t)\nr = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n")
    assert out == "r = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n"


@pytest.mark.parametrize("src", [
    # a Saver that saves writes the meta graph (collections included): another run may read them
    "tf.add_to_collection('k', t)\nsaver = tf.train.Saver()\nsaver.save(sess, 'm')\n",
    "tf.add_to_collection('k', t)\ntf.train.Saver().save(sess, 'm')\n",
    "tf.add_to_collection('k', t)\ntf.train.export_meta_graph('m.meta')\n",
    # the key is computed: reads cannot be told apart
    "key = 'k'\ntf.add_to_collection(key, t)\n",
    "tf.add_to_collection('k', t)\nr = tf.get_collection(name)\n",
    # a scope filter, a graph's own method, several keys at once
    "tf.add_to_collection('k', t)\nr = tf.get_collection('k', scope='a')\n",
    "tf.add_to_collection('k', t)\nr = tf.get_default_graph().get_collection('k')\n",
    "tf.add_to_collections(['k', 'j'], t)\n",
    # TF's own key written as a literal, in a file that also uses TF's LOSSES collection (alone,
    # 'losses' is the file's own list since round AA: tests/test_heldout_forms_aa.py)
    "tf.add_to_collection('losses', t)\nl = tf.losses.get_total_loss()\n",
    "tf.add_to_collection('losses', t)\nl = tf.losses.mean_squared_error(a, b)\n",
    "tf.add_to_collection('regularization_losses', t)\n",
    # not a statement of its own
    "x = tf.add_to_collection('k', t)\n",
    # read, and a second graph: the list would outlive the graph
    "with tf.Graph().as_default():\n    tf.add_to_collection('k', t)\nr = tf.get_collection('k')\n",
    "tf.add_to_collection('k', t)\nr = tf.get_collection('k')\ntf.reset_default_graph()\n",
])
def test_declined(src):
    assert _desugar(src) is None


@pytest.mark.slow
def test_collection_program_is_equivalent_to_tf1(tmp_path):
    # verify: the same weights give the same forward outputs and the same Adam step as TF1
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / "collection_embeddings.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))


# -- verify: a placeholder split into towers is fed one batch per tower ----------------------------

def test_split_batch_program_translates():
    out = _faithful("split_batch_towers.py")
    assert TODO_MARKER not in out and "keras.ops.split(stacked, 2, axis=0)" in out


@pytest.mark.slow
def test_split_batch_towers_are_equivalent_to_tf1(tmp_path):
    # the stacked placeholder gets 2n rows, the label n: both sides run the same batch
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / "split_batch_towers.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
