"""A TF1 program split over modules (tests/fixtures/multifile_siamese: ``model.py`` defines
``class Siamese``, ``train.py`` does ``import model`` / ``model.Siamese()`` and trains it,
``visualize.py`` does ``from model import Siamese`` and restores it; ``dataset.py`` has no
TensorFlow). The runner hands each file the facts of the classes other files of the run define
or instantiate (``Options.classes``, migrator/analysis/modules.py), so the class body and its
users are translated together or not at all.

Fast: the rewrite (every output parses, 0 TODO, the attribute interface model.py sets is the
one train.py / visualize.py read, nothing dangles, a second run changes nothing) and the
negative cases (a user that cannot be translated keeps the class TF1 in EVERY file, with the
reason in each). Slow: legacy train.py + visualize.py vs the migrated ones (loss trend, pair
AUC, the restored embedding equals the trained one; verify EQUIVALENT)."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator.analysis.modules import ClassFacts, cross_module_classes, imported_modules
from migrator.options import Options
from tests.marks import unwrap_markers
from tests.migrate_cache import cli

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "multifile_siamese"
TODO = "TODO(tflearn-migrate)"
FILES = ("model.py", "train.py", "visualize.py", "dataset.py")


def _migrate(src: Path, out: Path, *extra) -> tuple[int, str]:
    rc, text = cli(src, "--out", out, "--no-fixes", *extra)
    assert rc in (0, 1), text
    return rc, text


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mf") / "out"
    _migrate(FIXTURE, out)
    return out


def _class_attrs(tree: ast.Module, cls: str) -> set[str]:
    """``self.X = ...`` targets in the methods of ``cls``."""
    out = set()
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    for n in ast.walk(node):
        if isinstance(n, ast.Assign):
            for t in n.targets:
                for e in ast.walk(t):
                    if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id == "self":
                        out.add(e.attr)
    return out


def _instance_reads(tree: ast.Module, inst: str) -> set[str]:
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id == inst}


def _unbound_module_names(tree: ast.Module) -> set[str]:
    """Names read at module level (outside functions/classes) that nothing binds: module
    bindings (assign / import / def / class / for / with targets) and builtins."""
    import builtins

    bound = set(dir(builtins)) | {"__name__", "__file__"}
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            bound.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, ast.comprehension):
            bound |= {e.id for e in ast.walk(n.target) if isinstance(e, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound


# -- the facts -------------------------------------------------------------------------------------
def test_imported_modules_reads_both_import_forms():
    import libcst as cst

    mods, names = imported_modules(cst.parse_module(
        "import model\nimport pkg.nets as nets\nfrom model import Siamese as S\nfrom .dataset import read\n"))
    assert mods == {"model": "model", "nets": "nets", "S": "Siamese", "read": "read"}
    assert names == {"S": ("model", "Siamese"), "read": ("dataset", "read")}


def test_facts_of_the_fixture():
    files = [(str(FIXTURE / f), (FIXTURE / f).read_text()) for f in FILES]
    (facts,) = cross_module_classes(files, Options())
    assert (facts.module, facts.name, facts.why, facts.loss) == ("model", "Siamese", "", "loss")
    assert facts.placeholders == (("x1", "input"), ("x2", "input"), ("y_", "label"))
    direct = dict(facts.direct)
    assert direct["loss"] == ("o1", "o2", "y_") and direct["o1"] == ("x1",) and direct["o2"] == ("x2",)
    assert set(facts.users) == {"train.py", "visualize.py"}


def test_no_facts_without_a_user():
    files = [(str(FIXTURE / f), (FIXTURE / f).read_text()) for f in ("model.py", "dataset.py")]
    assert cross_module_classes(files, Options()) == ()


# -- the rewrite -----------------------------------------------------------------------------------
def test_every_file_parses_and_translates(migrated):
    for f in FILES:
        text = (migrated / f).read_text()
        compile(text, f, "exec")
        assert TODO not in text, f
        tree = ast.parse(text)
        assert not any(isinstance(n, (ast.Import, ast.ImportFrom)) and "tensorflow" in ast.unparse(n)
                       for n in ast.walk(tree)), f
        assert not any(isinstance(n, ast.Name) and n.id in ("tf", "sess", "saver") for n in ast.walk(tree)), f
    assert (migrated / "dataset.py").read_text() == (FIXTURE / "dataset.py").read_text()


def test_attribute_interface_agrees_across_files(migrated):
    model = ast.parse((migrated / "model.py").read_text())
    set_attrs = _class_attrs(model, "Siamese")
    assert {"x1", "x2", "y_", "o1", "o2", "loss"} <= set_attrs
    text = (migrated / "model.py").read_text()
    for p in ("x1", "x2", "y_"):  # every placeholder, labels too, is a keras.Input attribute
        assert re.search(rf"self\.{p} = keras\.Input\(", text), p
    train = ast.parse((migrated / "train.py").read_text())
    vis = ast.parse((migrated / "visualize.py").read_text())
    used = _instance_reads(train, "siamese") | _instance_reads(vis, "siamese")
    assert used and used <= set_attrs, used - set_attrs
    assert {"x1", "x2", "y_", "loss", "o1"} <= used
    t = (migrated / "train.py").read_text()
    assert "siamese_model = LossModel([siamese.x1, siamese.x2, siamese.y_], siamese.loss)" in t
    assert "loss_v = siamese_model.train_on_batch([batch_x1, batch_x2, batch_y])" in t
    assert "keras.Model(siamese.x1, siamese.o1).predict_on_batch(test_images)" in t
    assert "siamese_model.save_weights('./model.weights.h5')" in t
    v = (migrated / "visualize.py").read_text()
    # visualize restores into the model train.py saves: same inputs, same loss, same file
    assert "LossModel([siamese.x1, siamese.x2, siamese.y_], siamese.loss).load_weights('./model.weights.h5')" in v
    assert "keras.Model(siamese.x1, siamese.o1).predict_on_batch(x_test)" in v
    assert "import model" in t and "model.Siamese()" in t and "from model import Siamese" in v


def test_nothing_dangles_across_modules(migrated):
    for f in FILES:
        tree = ast.parse((migrated / f).read_text())
        assert not _unbound_module_names(tree), (f, _unbound_module_names(tree))
    # names other modules import from model.py / dataset.py are still defined there
    model = ast.parse((migrated / "model.py").read_text())
    assert any(isinstance(n, ast.ClassDef) and n.name == "Siamese" for n in model.body)
    # the module name ``model`` is not rebound by the translation in train.py
    train = ast.parse((migrated / "train.py").read_text())
    assert not any(isinstance(n, ast.Name) and n.id == "model" and isinstance(n.ctx, ast.Store)
                   for n in ast.walk(train))


def test_second_run_changes_nothing(migrated, tmp_path):
    out2 = tmp_path / "out2"
    _migrate(migrated, out2)
    for f in FILES:
        assert (out2 / f).read_text() == (migrated / f).read_text(), f


# -- declines: the class is translated everywhere or nowhere ----------------------------------------
def _copy_with(tmp: Path, name: str, old: str, new: str) -> Path:
    src = tmp / "src"
    shutil.copytree(FIXTURE, src)
    text = (src / name).read_text()
    assert old in text
    (src / name).write_text(text.replace(old, new))
    return src


def _todo_lines(path: Path) -> list[str]:
    return [ln for ln in unwrap_markers(path.read_text()).splitlines() if TODO in ln]


def test_a_user_that_cannot_be_translated_keeps_the_class_tf1_everywhere(tmp_path):
    src = _copy_with(tmp_path, "train.py", """feed_dict={
        siamese.x1: batch_x1,
        siamese.x2: batch_x2,
        siamese.y_: batch_y})""", "feed_dict=dict(zip([siamese.x1, siamese.x2, siamese.y_], [batch_x1, batch_x2, batch_y])))")
    out = tmp_path / "out"
    _migrate(src, out)
    why = "feed_dict is not a dict literal"
    for f in ("model.py", "train.py", "visualize.py"):
        compile((out / f).read_text(), f, "exec")
        assert any(why in ln for ln in _todo_lines(out / f)), f  # the reason in EVERY file
    m = (out / "model.py").read_text()
    assert "keras.Input(shape=(64,))" not in m and m.count("tf.placeholder(") == 3
    t = (out / "train.py").read_text()
    assert "LossModel" not in t and "train_on_batch" not in t
    v = (out / "visualize.py").read_text()
    assert "load_weights" not in v and "siamese.o1.eval(" in v


def test_an_instance_passed_on_is_not_followed(tmp_path):
    src = _copy_with(tmp_path, "visualize.py", "    visualize(embed, y_test)\n",
                     "    visualize(embed, y_test)\n    print(siamese)\n")
    out = tmp_path / "out"
    _migrate(src, out)
    why = "the instance siamese is used other than through its attributes"
    for f in ("model.py", "train.py", "visualize.py"):
        assert any(why in ln for ln in _todo_lines(out / f)), f


def test_a_file_naming_the_class_without_instantiating_it(tmp_path):
    src = _copy_with(tmp_path, "visualize.py", "    siamese = Siamese()\n",
                     "    siamese = make(Siamese)\n")
    out = tmp_path / "out"
    _migrate(src, out)
    for f in ("model.py", "train.py"):
        assert any("without instantiating it" in ln for ln in _todo_lines(out / f)), f
    # visualize.py keeps its TF1 evaluation of what stays a TF1 class
    assert "siamese.o1.eval(" in (out / "visualize.py").read_text()
    assert "keras.Input(shape=(64,))" not in (out / "model.py").read_text()


def test_a_class_its_own_module_also_runs_is_kept_everywhere(tmp_path):
    """model.py with its own ``__main__`` program over the class AND train.py using it: two
    programs over one class are not merged - both modules keep the class TF1, marked."""
    main = ("\n\nif __name__ == '__main__':\n    import numpy as np\n    net = Siamese()\n"
            "    sess = tf.Session()\n    sess.run(tf.global_variables_initializer())\n"
            "    print(sess.run(net.o1, {net.x1: np.zeros((1, 64), np.float32)}))\n")
    src = tmp_path / "src"
    shutil.copytree(FIXTURE, src)
    (src / "model.py").write_text((src / "model.py").read_text() + main)
    out = tmp_path / "out"
    _migrate(src, out)
    why = "is also instantiated in model.py itself"
    for f in ("model.py", "train.py", "visualize.py"):
        compile((out / f).read_text(), f, "exec")
        assert any(why in ln for ln in _todo_lines(out / f)), f
    assert (out / "model.py").read_text().count("tf.placeholder(") == 3


def test_an_import_inside_a_function_is_followed(tmp_path):
    src = _copy_with(tmp_path, "visualize.py", "from model import Siamese\n", "")
    text = (src / "visualize.py").read_text().replace(
        "if __name__ == \"__main__\":\n", "if __name__ == \"__main__\":\n    from model import Siamese\n")
    (src / "visualize.py").write_text(text)
    out = tmp_path / "out"
    _migrate(src, out)
    assert all(TODO not in (out / f).read_text() for f in FILES)
    assert "LossModel([siamese.x1, siamese.x2, siamese.y_], siamese.loss).load_weights(" in \
        (out / "visualize.py").read_text()


def test_a_module_imported_from_its_package(tmp_path):
    src = _copy_with(tmp_path, "train.py", "import model\n", "from . import model\n")
    out = tmp_path / "out"
    _migrate(src, out)
    assert all(TODO not in (out / f).read_text() for f in FILES)
    assert "LossModel([siamese.x1, siamese.x2, siamese.y_], siamese.loss)" in (out / "train.py").read_text()


def test_a_use_that_is_not_followed_keeps_the_class_tf1(tmp_path):
    src = _copy_with(tmp_path, "visualize.py", "from model import Siamese\n",
                     "import importlib\nSiamese = importlib.import_module('model').Siamese\n")
    out = tmp_path / "out"
    _migrate(src, out)
    for f in ("model.py", "train.py"):
        assert any("visualize.py names Siamese in a way that is not followed" in ln for ln in _todo_lines(out / f)), f


def test_the_model_module_alone_keeps_its_reason(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIXTURE / "model.py", src / "model.py")
    out = tmp_path / "out"
    _migrate(src, out)
    assert all("the class is never instantiated in this file" in ln
               for ln in _todo_lines(out / "model.py") if "TFM144" in ln)
    assert len([ln for ln in _todo_lines(out / "model.py") if "TFM144" in ln]) == 3


def test_a_class_that_trains_itself_is_not_moved_across_modules():
    """A class with a scalar (hyper) placeholder is a single-file program only: the facts say why."""
    model = (FIXTURE / "model.py").read_text().replace(
        "        self.y_ = tf.placeholder(tf.float32, [None])\n",
        "        self.y_ = tf.placeholder(tf.float32, [None])\n        self.lr = tf.placeholder(tf.float32, [])\n")
    files = [("d/model.py", model)] + [(f"d/{f}", (FIXTURE / f).read_text()) for f in ("train.py", "visualize.py")]
    (facts,) = cross_module_classes(files, Options())
    assert isinstance(facts, ClassFacts) and "scalar placeholder self.lr" in facts.why


# -- slow: legacy vs migrated ----------------------------------------------------------------------
def _env(legacy: bool, out: Path, embed: Path) -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.update(TFM_EVAL_OUT=str(out), TFM_EMBED_OUT=str(embed), TF_CPP_MIN_LOG_LEVEL="3",
             KERAS_BACKEND="tensorflow", CUDA_VISIBLE_DEVICES="", TF_NUM_INTRAOP_THREADS="1",
             TF_NUM_INTEROP_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    if not legacy:
        e.pop("TF_USE_LEGACY_KERAS", None)
    return e


def _train_and_restore(d: Path, legacy: bool) -> dict:
    from migrator.reference.metrics import roc_auc

    res = {}
    for script in ("train.py", "visualize.py"):
        cmd = [sys.executable, "-m", "migrator.legacy.run", script] if legacy else [sys.executable, script]
        p = subprocess.run(cmd, cwd=d, env=_env(legacy, d / "eval.npz", d / "restored.npy"),
                           capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, (script, p.stderr[-3000:])
    e = np.load(d / "eval.npz")
    res["auc"] = roc_auc(-e["d"], e["same"])
    res["losses"] = e["losses"]
    res["restored_diff"] = float(np.abs(np.load(d / "restored.npy") - e["embed"]).max())
    return res


@pytest.mark.slow
def test_legacy_and_migrated_train_alike(tmp_path):
    legacy_dir = tmp_path / "legacy"
    shutil.copytree(FIXTURE, legacy_dir)
    out = tmp_path / "migrated"
    _migrate(FIXTURE, out)
    legacy = _train_and_restore(legacy_dir, True)
    keras_ = _train_and_restore(out, False)
    print("legacy", legacy["auc"], legacy["losses"][:50].mean(), legacy["losses"][-50:].mean(), legacy["restored_diff"])
    print("keras ", keras_["auc"], keras_["losses"][:50].mean(), keras_["losses"][-50:].mean(), keras_["restored_diff"])
    # the same number of steps, the same starting loss (the loss at the start is the margin
    # term of near-zero embeddings: both initialisations draw N(0, 0.01) kernels)
    assert len(legacy["losses"]) == len(keras_["losses"]) == 600
    assert abs(legacy["losses"][:50].mean() - keras_["losses"][:50].mean()) < 0.5
    # both learn: the loss falls by more than half over training, the pairs separate
    for r in (legacy, keras_):
        assert r["losses"][-50:].mean() < 0.5 * r["losses"][:50].mean()
        assert r["auc"] > 0.65
    assert abs(legacy["auc"] - keras_["auc"]) < 0.1
    # what visualize.py restored is what train.py saved (the cross-module checkpoint)
    assert legacy["restored_diff"] < 1e-5 and keras_["restored_diff"] < 1e-5


@pytest.mark.slow
def test_verify_equivalent_on_the_training_module(tmp_path):
    """Same initial weights on both sides (verify copies TF1's into the Keras model): the
    forward loss and one SGD step agree across the module boundary."""
    out = tmp_path / "migrated"
    _migrate(FIXTURE, out)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    p = subprocess.run([sys.executable, "-m", "migrator", "verify", str(FIXTURE / "train.py"),
                        "--migrated", str(out / "train.py")], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0 and "EQUIVALENT" in p.stdout, p.stdout[-3000:] + p.stderr[-3000:]
    assert p.stdout.count("Dense) <- siamese/fc") == 3
