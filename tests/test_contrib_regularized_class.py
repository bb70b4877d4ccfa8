"""A TF1 model class with contrib layers regularized through a held regularizer, the penalties
penalised again by ``apply_regularization``, a train op returned by a method
(``return opt.apply_gradients(clipped)``) with a gradient norm kept for a summary, summaries made
by a helper function, a class built inside ``with tf.Session()``: fixture
tests/fixtures/tf1_real/class_contrib_regularized.py (and realworld/mjfang_contrib_softmax.py,
the repository it is written after).

Fast tests never start TensorFlow; the slow one runs the legacy runtime (verify)."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from migrator.engine import migrate_source
from migrator.options import Options
from tests.marks import unwrap_markers

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "tf1_real" / "class_contrib_regularized.py"
MJFANG = ROOT / "tests" / "fixtures" / "realworld" / "mjfang_contrib_softmax.py"


def _migrate(path: Path, fixes: bool) -> str:
    res = migrate_source(path.read_text(), path.name, Options(fixes=fixes))
    assert res.status == "migrated", res.reason
    compile(res.code, path.name, "exec")
    assert migrate_source(res.code, path.name, Options(fixes=fixes)).code == res.code  # idempotent
    return res.code


@pytest.mark.parametrize("fixes", [False, True])
@pytest.mark.parametrize("path", [FIXTURE, MJFANG], ids=["class_contrib_regularized", "mjfang_contrib_softmax"])
def test_translates_completely(path, fixes):
    out = _migrate(path, fixes)
    assert TODO_MARKER not in out and legacy_refs_outside_todo(out) == []
    code = out.split('"""', 2)[2]  # after the module docstring
    assert "import tensorflow" not in code and "tf.summary" not in code and "FileWriter" not in code
    # the penalties are part of the class's loss (its LossModel does not add model.losses)
    assert "tf1_regularization_losses(self)" in out and "tf1_apply_regularization(self." in out


def test_class_contrib_regularized_translation():
    out = _migrate(FIXTURE, False)
    # the held regularizer becomes Keras' (TF1's l2_regularizer(s) is s * sum(w ** 2) / 2) and the
    # layers read it; the placeholder's shape comes from the parameter
    assert "self.wd = keras.regularizers.L2(0.025)" in out
    assert out.count("kernel_regularizer=self.wd") == 2
    assert "self.images = keras.Input(shape=tuple(image_shape)[1:])" in out
    # the returned train op: the LossModel compiled with the clipping optimizer, returned
    assert "opt.clipnorm = 1.0\n        step = LossModel([self.images, self.labels], cost, layer_losses=False)\n" \
           "        step.compile(optimizer=opt)\n        return step\n" in out
    # the gradient-norm statements and the summary helper went with the train op / the summaries
    code = out.split('"""', 2)[2]
    assert "global_norm" not in code and "def log_ops" not in code and "self.norm" not in code
    assert "c = net.step.train_on_batch([X[i:i + 100], Y[i:i + 100]])" in out
    assert "keras.Model(net.images, net.logits).predict_on_batch(X[1200:])" in out


def test_regularizer_not_read_is_not_written():
    # no file read of REGULARIZATION_LOSSES: TF1 never trained with the penalty, the held
    # regularizer stays a Keras object the layers do not use
    src = FIXTURE.read_text().replace(
        "        penalties = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)\n"
        "        return xent + tcl.apply_regularization(self.wd, penalties)\n", "        return xent\n")
    out = migrate_source(src, "m.py", Options(fixes=False)).code
    assert TODO_MARKER not in out and "kernel_regularizer" not in out and "tf1_regularization" not in out


def test_keep_prob_attribute_assigned_twice_stays():
    # self.keep changed after __init__ (m.keep = ...): not a constant of the graph -> TODO
    src = FIXTURE.read_text().replace("    merged, writer = log_ops(", "    net.keep = 0.5\n    merged, writer = log_ops(")
    out = unwrap_markers(migrate_source(src, "m.py", Options(fixes=False)).code)
    assert "keep_prob self.keep is not a placeholder fed with a constant" in out


def test_gradient_list_read_elsewhere_keeps_the_program_tf1():
    # the unzipped gradients are also printed: not only a summary's number -> the class stays TF1
    src = FIXTURE.read_text().replace("        self.norm = tf.global_norm(grads)\n",
                                      "        self.norm = tf.global_norm(grads)\n        print(grads)\n")
    out = unwrap_markers(migrate_source(src, "m.py", Options(fixes=False)).code)
    assert "TFM144 placeholder kept: class Classifier: updates: the applied gradients are read by other statements" in out
    assert "LossModel(" not in out


@pytest.mark.slow
def test_class_contrib_regularized_is_equivalent_to_legacy(tmp_path):
    # verify: the same weights give the same loss (cross-entropy + the regularizer applied to the
    # per-layer penalties), the same logits, and one clipped Momentum step agrees with TF1's
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    migrated = Path(migrate_faithful(FIXTURE, tmp_path / "m"))
    # negative control: the per-layer penalties summed (what Keras' model.losses would add),
    # not penalised again as apply_regularization did - must fail
    naive = tmp_path / "naive.py"
    text = migrated.read_text()
    assert text.count("tf1_apply_regularization(self.wd, penalties)") == 1
    naive.write_text(text.replace("tf1_apply_regularization(self.wd, penalties)",
                                  "keras.ops.sum(keras.ops.stack(penalties))"))
    res, control = verify_pairs([(FIXTURE, migrated), (FIXTURE, naive)], workdir=tmp_path / "v")
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    assert any("after one step" in line for line in lines)
    assert not judge(control)[0]


@pytest.mark.slow
def test_mjfang_contrib_softmax_is_equivalent_to_legacy(tmp_path):
    # the corpus fixture: the loss (softmax head + the regularizer applied to the penalties) and
    # the distance from the same weights, one Adam step; conv3 (computed, never read: no gradient
    # in TF1, no layer in Keras' functional encoder) is ignored, not an unmatched variable
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    res = verify_pairs([(MJFANG, migrate_faithful(MJFANG, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))
    assert any("after one step" in line for line in lines)
