"""Helpers as real code (issue 14): every helper's text is read from a module of
migrator/helper_src/ (``helpers.register_source``), which is linted and tested as code. Fast
tier: the registry and the modules' text only; data_utils.py (NumPy only) is imported and run;
the Keras modules are imported for real in a slow test (Keras 3 starts TensorFlow)."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from migrator import helpers
from migrator.helpers import HELPERS, SOURCE_OF, SOURCE_PACKAGE, source_imports, source_text
from migrator.rules import all_rules

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p.stem for p in SOURCE_PACKAGE.glob("*.py") if p.name != "__init__.py")
GROUPS = {"TF1EstimatorParts"}  # a helper whose name binds nothing: the classes it groups do


@pytest.fixture(scope="module")
def registry():
    all_rules()  # rule modules register their helpers on import
    import migrator.analysis.siamese  # noqa: F401  (contrastive_loss)
    return HELPERS


def _top(module: str) -> list[ast.stmt]:
    return ast.parse((SOURCE_PACKAGE / f"{module}.py").read_text(encoding="utf-8")).body


def _bound(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    return set()


def _by_ast(text: str) -> list[helpers.Statement]:
    """What ``helpers._source``'s line scan must find, from ``ast``."""
    lines = text.splitlines(keepends=True)
    out = []
    for node in ast.parse(text).body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())]) - 1
        end = node.end_lineno
        imp = isinstance(node, (ast.Import, ast.ImportFrom))
        assert lines[end - 1].strip()
        out.append(helpers.Statement(start, end, frozenset() if imp else frozenset(_bound(node)), imp))
    return out


def test_the_line_scan_finds_what_ast_finds():
    for module in MODULES:
        text = (SOURCE_PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        assert helpers._source(module)[1] == _by_ast(text), module


def test_the_line_scan_on_awkward_code(tmp_path, monkeypatch):
    text = ('"""Doc\nat column 0\n\nstill the doc."""\nimport keras\nimport numpy as np\n\n\n'
            "A, B = (1,\n        2)\nC: int = 3\nD = E = dict(\n    x=1,\n)\n\n\n"
            "@keras.saving.register_keras_serializable(\n    package='p')\n@staticmethod\n"
            "class Layer(keras.layers.Layer):\n    '''A doc\nwith a column-0 line: def x(): y = 1\n'''\n"
            "    x = 1\n    # an indented comment\n\n# a comment between two statements of a helper\n"
            "def layer(x):\n    return Layer()(x) == np.ones(1)\n\n\n# a comment above the next helper\n"
            "async def run(x):\n    return x\n# trailing\n")
    (tmp_path / "awkward.py").write_text(text)
    monkeypatch.setattr(helpers, "SOURCE_PACKAGE", tmp_path)
    monkeypatch.setattr(helpers, "_SOURCES", {})
    assert helpers._source("awkward")[1] == _by_ast(text)
    code = source_text("awkward", "layer", also=("Layer",))
    assert code.startswith("@keras.saving") and code.endswith("np.ones(1)\n")
    assert "# a comment between two statements of a helper" in code and "above the next" not in code
    assert source_text("awkward", "run") == "async def run(x):\n    return x\n"
    assert source_text("awkward", "E") == "D = E = dict(\n    x=1,\n)\n"
    assert source_imports("awkward", code) == (("keras", None, None), ("numpy", None, "np"))
    assert source_imports("awkward", "def f():\n    return 'np keras'\n") == ()


def test_every_helper_parses_and_binds_its_name(registry):
    assert len(registry) > 130
    groups = set()
    for name, h in registry.items():
        tree = ast.parse(h.code)
        assert h.code.endswith("\n") and not h.code.startswith("\n"), name
        bound = {b for node in tree.body for b in _bound(node)}
        if name not in bound:
            groups.add(name)
        assert set(helpers.defines(name)[1:]) <= bound, name
    assert groups == GROUPS


def test_every_helper_is_read_from_helper_src_without_drift(registry):
    assert set(SOURCE_OF) == set(registry)  # no helper is a string literal any more
    for name, h in registry.items():
        module = SOURCE_OF[name]
        assert module in MODULES, name
        also = [b for b in helpers.defines(name) if b != name]
        assert source_text(module, name, also) == h.code, name
        # the module's imports the text reads: registered (a few add NumPy, which the
        # migrated files always got with them)
        assert set(source_imports(module, h.code)) <= set(h.imports), name
        assert {i for i in h.imports if i not in source_imports(module, h.code)} <= {("numpy", None, "np"),
                                                                                        ("keras", None, None)}, name


def test_helper_src_holds_only_registered_helpers(registry):
    """Every top-level statement of a helper_src module is an import or part of a helper."""
    owned = {(SOURCE_OF[n], b) for n in registry for b in helpers.defines(n)}
    for module in MODULES:
        for node in _top(module):
            if isinstance(node, (ast.Import, ast.ImportFrom)) or (
                    isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # docstring
                continue
            names = _bound(node)
            assert names and all((module, b) in owned for b in names), (module, node.lineno)


def test_requires_name_the_helpers_a_text_reads(registry):
    """A name a helper reads that another helper of helper_src binds (same module, or imported
    from a sibling module) is in the helpers it requires (transitively)."""
    for name, h in registry.items():
        module = SOURCE_OF[name]
        siblings: dict[str, str] = {}
        for node in _top(module):
            if isinstance(node, ast.ImportFrom) and node.level:
                for a in node.names:
                    siblings[a.asname or a.name] = helpers.helper_of(a.name)
            elif not isinstance(node, (ast.Import, ast.ImportFrom)):
                for b in _bound(node):
                    if b not in helpers.defines(name):
                        siblings[b] = helpers.helper_of(b)
        read = {n.id for n in ast.walk(ast.parse(h.code)) if isinstance(n, ast.Name)}
        needed = {siblings[r] for r in read if r in siblings}
        assert needed <= set(helpers.closure(h.requires)), (name, needed)


def test_a_module_without_the_name_is_an_error():
    with pytest.raises(ValueError, match="does not define"):
        source_text("data_utils", "no_such_helper")
    with pytest.raises(ValueError, match="not one run"):
        source_text("data_utils", "tflearn_shuffle", also=("tflearn_load_csv",))


def test_parameters_the_rules_quote_match_the_helpers(registry):
    from migrator.analysis.siamese import CONTRASTIVE_HELPER, CONTRASTIVE_MARGIN
    from migrator.rules.tfm302_class_imbalance import HELPER, MAX_RATIO

    assert f"margin={CONTRASTIVE_MARGIN})" in registry[CONTRASTIVE_HELPER].code
    assert f"max_ratio={MAX_RATIO})" in registry[HELPER].code


def test_helper_src_is_ruff_clean():
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                        "migrator/helper_src"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_rewriter_never_imports_helper_src(registry):
    assert not [m for m in sys.modules if m.startswith("migrator.helper_src.") and m != "migrator.helper_src.data_utils"]


# -- the code itself --------------------------------------------------------------------------

def test_data_utils_helpers_run_as_numpy_code():
    from migrator.helper_src import data_utils as du

    assert "keras" not in vars(du)  # NumPy only: importable in the fast tier
    np.random.seed(0)
    x, y = np.arange(10).reshape(5, 2), np.arange(5)
    xs, ys = du.tflearn_shuffle(x, y)
    assert sorted(ys.tolist()) == list(range(5)) and ys.tolist() != list(range(5))
    assert (xs == x[ys]).all()  # one permutation for both
    with pytest.raises(ValueError):
        du.tflearn_shuffle(x, y[:3])
    one_hot = du.tflearn_to_categorical([2, 0, 1], nb_classes=3)
    assert one_hot.dtype == np.float64 and one_hot.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    assert du.tflearn_to_categorical([5, 7, 5]).tolist() == [[1, 0], [0, 1], [1, 0]]
    centred, mean = du.tflearn_featurewise_zero_center(np.array([[1.0, 2.0], [3.0, 6.0]]))
    assert mean.tolist() == [2.0, 4.0] and centred.tolist() == [[-1.0, -2.0], [1.0, 2.0]]
    assert du.tflearn_chars_to_dictionary("cab") == {"a": 0, "b": 1, "c": 2}
    X, Y, idx = du.tflearn_string_to_semi_redundant_sequences("abcabcab", seq_maxlen=3, redun_step=2)
    assert idx == {"a": 0, "b": 1, "c": 2}
    assert X.shape == (3, 3, 3) and Y.shape == (3, 3) and Y[0].argmax() == 0  # "abc" -> "a"


@pytest.mark.slow
def test_every_helper_src_module_imports_and_defines_its_helpers():
    """Imported for real (Keras 3, so TensorFlow) in a subprocess: every module runs and
    binds every name its helpers define."""
    all_rules()
    import migrator.analysis.siamese  # noqa: F401

    expected = {m: sorted({b for n, mod in SOURCE_OF.items() if mod == m for b in helpers.defines(n)
                           if n not in GROUPS or b != n}) for m in MODULES}
    code = ("import importlib, json, sys\n"
            f"expected = json.loads({str(__import__('json').dumps(expected))!r})\n"
            "missing = {m: [n for n in names if not hasattr(importlib.import_module('migrator.helper_src.' + m), n)]\n"
            "           for m, names in expected.items()}\n"
            "print(json.dumps({m: v for m, v in missing.items() if v}))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "{}"
