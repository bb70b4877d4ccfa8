"""Held-out forms of issue 10 (session 28, round W4: gabrielwong159/siamese's data loader). A tf.data
pipeline (``from_tensor_slices(...).map(f, num_parallel_calls=n).shuffle(n).repeat().batch(b).prefetch(b)``,
built and returned by a function) whose one-shot iterator's ``get_next()`` is only FETCHED by
``sess.run(next_element)`` and fed back into placeholders: a data loader, not part of the model. It
becomes ``iterator = iter(<dataset>)`` + ``next(iterator)`` (analysis/graph_datasets.fetched_batches),
and the pipeline the NumPy TF1Dataset helper with ``tf1_map`` (the same map function, the same batch
size) and ``tf1_shuffle`` (reported: the order is not TF1's) [TFM167]. (2) ``saver.restore`` into a model
class's instance built again in another function (each under its own ``with tf.Graph().as_default():``):
the LossModel over THAT instance's tensors loads the weights (TF1 read the variables back by name into
the new graph) [TFM144]; ``print(saver.save(sess, p))`` -> ``tf1_saved_path(model, p + ".weights.h5",
p)`` (TF1's value: the prefix p) [TFM144]. Regression tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.analysis.graph_datasets import fetched_batches
from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_w4"
LOADER = (FIX / "fetched_loader_batches.py").read_text()
RESTORE = (FIX / "rebuilt_graph_restore.py").read_text()


def _migrate(src: str, fixes: bool):
    return migrate_source(src, "w4.py", Options(fixes=fixes))


@pytest.mark.parametrize("fixes", [False, True])
def test_a_fetched_pipeline_is_a_numpy_loader(fixes):
    res = _migrate(LOADER, fixes)
    out = res.code
    cst.parse_module(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    assert "tf1_map(TF1Dataset.from_tensor_slices((tr_x[i], tr_x[j], y)), scale)" in out
    assert "tf1_shuffle(" in out and "500," in out and ".batch(\n        BATCH," in out
    assert "iterator = iter(pair_loader())" in out and "a, b, s = next(iterator)" in out
    assert "get_next" not in out.split("def scale")[1] and "sess" not in out.split("def scale")[1]
    assert "cost = model.train_on_batch([a, b], s)" in out
    assert any(d.rule == "TFM167" and "tf1_shuffle" in d.message for d in res.diagnostics)
    assert _migrate(out, fixes).code == out


def test_the_rewrite_only_replaces_the_iterator():
    new = fetched_batches(cst.parse_module(LOADER)).code
    assert "iterator = iter(pair_loader())" in new and "a, b, s = next(iterator)" in new
    assert "get_next" not in new.split("def scale")[1] and ".map(scale, num_parallel_calls=4)" in new


@pytest.mark.parametrize("change", [
    # the batch tensors feed the graph too: not a loader (the placeholder desugaring's case)
    ("cost = sess.run([step, loss], feed_dict={left: a, right: b, same: s})",
     "cost = sess.run([step, loss, batch_op], feed_dict={left: a, right: b, same: s})"),
    # an initializable iterator (its initializer is run): not this form
    ("pair_loader().make_one_shot_iterator()", "pair_loader().make_initializable_iterator()"),
])
def test_declined(change):
    src = LOADER.replace("_, cost = sess.run", "cost = sess.run").replace(*change)
    assert change[1] in src
    assert fetched_batches(cst.parse_module(src)) is None


def test_a_seeded_loader_shuffle_is_translated_and_reported():
    # under a graph seed TF1's order was fixed from run to run; tf1_shuffle on the NumPy RNG the
    # migrated keras.utils.set_random_seed seeds is too (another order: reported)
    src = LOADER.replace("import tensorflow as tf\n", "import tensorflow as tf\ntf.set_random_seed(1)\n")
    res = _migrate(src, False)
    assert "tf1_shuffle(" in res.code and TODO_MARKER not in res.code
    assert "keras.utils.set_random_seed(1)" in res.code
    assert any(d.rule == "TFM167" and "graph / global seed" in d.message for d in res.diagnostics)
    assert _migrate(res.code, False).code == res.code


@pytest.mark.parametrize("fixes", [False, True])
def test_restore_into_a_model_built_again(fixes):
    out = _migrate(RESTORE, fixes).code
    cst.parse_module(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out and "Graph()" not in out.split("CKPT =")[1]
    assert 'print("saved to", tf1_saved_path(pairnet_model, str(CKPT) + ".weights.h5", CKPT))' in out
    assert "def tf1_saved_path(model, weights_path, save_path):" in out
    embed = out.split("def embed():")[1]
    assert 'LossModel([net.a, net.b, net.match], net.loss).load_weights(str(CKPT) + ".weights.h5")' in embed
    assert "pairnet_model" not in embed
    assert "codes = keras.Model(net.a, net.out).predict_on_batch(te_x)" in embed
    assert _migrate(out, fixes).code == out


def test_a_saved_path_with_a_step_read_as_a_value_stays():
    src = RESTORE.replace("saver.save(sess, CKPT)", "saver.save(sess, CKPT, global_step=k)")
    out = _migrate(src, False).code
    assert "TFM144 the path Saver.save(global_step=) returned is used" in out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fetched_loader_batches.py", "rebuilt_graph_restore.py"])
def test_the_programs_run_and_are_equivalent(name, tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / name
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
