"""Reference models: the contract every model follows, and the migrated versions are exactly
what the migrator generates (no TensorFlow import here: source checks only)."""
import ast
import importlib.util
import re
from pathlib import Path

import pytest

from tests.migrate_cache import cli

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "reference_models"
LEGACY = sorted((MODELS / "legacy").glob("*.py"))
EXPECTED = sorted((MODELS / "expected").glob("*/*.py"))


def _load_regen():
    spec = importlib.util.spec_from_file_location("regen_reference_models", ROOT / "scripts" / "regen_reference_models.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _consts(tree):
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return out


def _train_signature(tree):
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "train")
    args = [a.arg for a in fn.args.args]
    return args, [ast.unparse(d) for d in fn.args.defaults]


def test_there_are_legacy_models_of_both_kinds():
    kinds = {_consts(ast.parse(p.read_text()))["KIND"] for p in LEGACY}
    assert kinds == {"siamese", "classifier"} and len(LEGACY) >= 5


@pytest.mark.parametrize("path", LEGACY + EXPECTED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_model_contract(path):
    text = path.read_text()
    tree = ast.parse(text)
    c = _consts(tree)
    assert c["KIND"] in ("siamese", "classifier") and isinstance(c["EPOCHS"], int)
    args, defaults = _train_signature(tree)
    assert args == ["data", "epochs", "seed"] and defaults == ["EPOCHS", "0"]
    returned = set(re.findall(r'history\["(\w+)"\]', text)) | set(re.findall(r'"(\w+)": ', text))
    needed = {"loss", "epoch_time"} | ({"emb_a", "emb_b", "emb"} if c["KIND"] == "siamese" else {"probs"})
    assert needed <= returned, needed - returned


@pytest.mark.parametrize("path", LEGACY, ids=lambda p: p.stem)
def test_legacy_models_are_legacy_code_with_a_named_cure(path):
    text = path.read_text()
    assert re.search(r"^import tensorflow as tf$", text, re.M)
    assert "tf.Session()" in text or "tflearn.DNN(" in text
    assert re.search(r"Cure \(TFM\d{3}\)", text), "the docstring names the FIX rule that cures it"
    assert "keras" not in text.replace("tf-keras", "")


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_hand_written_targets_are_labelled_and_backend_neutral(path):
    text = path.read_text()
    assert text.startswith('"""HAND-WRITTEN Keras 3 target (not migrator output)')
    assert (MODELS / "legacy" / path.name).is_file()
    imports = {n.names[0].name.split(".")[0] for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Import)}
    imports |= {n.module.split(".")[0] for n in ast.walk(ast.parse(text)) if isinstance(n, ast.ImportFrom)}
    assert imports <= {"keras", "numpy", "time"}, imports
    assert not re.search(r"\btf\.", text)


def test_migrated_models_are_the_migrators_output(tmp_path):
    regen = _load_regen()
    # what regen.generate() runs (the CLI, its MODES' flags), in this process: the faithful
    # migrations are the ones the corpus invariant test reads (tests/migrate_cache.py)
    generated = {}
    for mode, flags in regen.MODES.items():
        rc, output = cli(regen.LEGACY, "--out", tmp_path / mode, "-q", *flags)
        assert rc in (0, 4), output
        generated[mode] = tmp_path / mode
    diffs = regen.differences(generated)
    assert not diffs, ("reference_models/migrated/ is out of date with the migrator; run "
                       "`python scripts/regen_reference_models.py` and commit:\n" + "\n".join(diffs))
    for mode in ("faithful", "fixed"):
        for p in (MODELS / "migrated" / mode).glob("*.py"):
            compile(p.read_text(), str(p), "exec")
