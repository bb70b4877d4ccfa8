"""The engine's own import passes (migrator/engine/import_passes.py) give libcst's results:
``TopImportsAdder`` = ``AddImportsVisitor``, ``ImportsRemover`` (with fastimports' decision) =
``RemoveImportsVisitor``; and a one-file migration never imports ``libcst.codemod`` (start-up,
issue 13). No TensorFlow."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from migrator.engine import import_passes, migrate_source
from migrator.engine.import_remove import ImportsRemover
from migrator.fastimports import unused_imports

ROOT = Path(__file__).resolve().parents[1]

ADD = {
    "empty_module": ("", [("keras", None, None)]),
    "after_imports": ("import os\nimport tflearn\nx = 1\n", [("keras", None, None), ("numpy", None, "np")]),
    "docstring_first": ('"""doc"""\nimport os\n# comment\nx = 1\n', [("keras", None, None)]),
    "strict_first": ("__strict__ = True\nx = 1\n", [("keras", None, None)]),
    "statement_first": ("x = 1\nimport os\n", [("keras", None, None)]),
    "already_there": ("import keras\nimport numpy as np\nx = 1\n", [("keras", None, None), ("numpy", None, "np")]),
    "other_alias": ("import numpy as onp\nx = 1\n", [("numpy", None, "np")]),
    "extend_from": ("from keras import layers\nx = 1\n", [("keras", "ops", None), ("keras", "Model", "M")]),
    "from_new": ("import os\n\nx = 1\n", [("keras", "ops", None), ("keras", "layers", None), ("a.b", "c", "d")]),
    "star_covers": ("from keras import *\nx = 1\n", [("keras", "ops", None)]),
    "comment_after": ("import os\n# about x\nx = 1\n", [("keras", None, None)]),
    "import_later": ("import os\nx = 1\nfrom keras import ops\n", [("keras", "layers", None)]),
    "alias_order": ("x = 1\n", [("numpy", None, "np"), ("keras", None, "K"), ("numpy", None, "np")]),
    "two_on_a_line": ("import os; import sys\nx = 1\n", [("os", None, None)]),
}


@pytest.mark.parametrize("name", sorted(ADD))
def test_adder_equals_libcst(name):
    src, wanted = ADD[name]
    ctx = CodemodContext()
    ours_ctx = import_passes.CodemodContext()
    for module, obj, asname in wanted:
        AddImportsVisitor.add_needed_import(ctx, module, obj, asname)
        import_passes.add_needed_import(ours_ctx, module, obj, asname)
    theirs = AddImportsVisitor(ctx).transform_module(cst.parse_module(src)).code
    ours = import_passes.run_import_passes(ours_ctx, cst.parse_module(src)).code
    assert ours == theirs
    assert (ours == src) == (name in ("already_there", "star_covers"))  # the others add something


REMOVE = {
    "whole_line": ("import tflearn\nimport os\nos.sep\n", [("tflearn", None, None)]),
    "one_of_two": ("import tflearn, os\nos.sep\n", [("tflearn", None, None)]),
    "first_of_two": ("import os, tflearn\nos.sep\n", [("tflearn", None, None)]),
    "still_used": ("import tflearn\ntflearn.x\n", [("tflearn", None, None)]),
    "alias_mismatch": ("import tensorflow as tf\n", [("tensorflow", None, None)]),
    "from_one": ("from tflearn.layers import a, b\nb()\n", [("tflearn.layers", "a", None)]),
    "from_last": ("from tflearn.layers import a, b\na()\n", [("tflearn.layers", "b", None)]),
    "from_paren_comments": ("from tflearn.layers import (\n    a,  # first\n    b,  # second\n    c,\n)\nc()\n",
                            [("tflearn.layers", "a", None), ("tflearn.layers", "b", None)]),
    "from_middle_comment": ("from t import (\n    a,  # first\n    b,  # second\n    c,\n)\na(c)\n",
                            [("t", "b", None)]),
    "from_alias": ("from t import a as x, b\nb()\n", [("t", "a", "x")]),
    "star_kept": ("from tflearn import *\n", [("tflearn", "x", None)]),
}


@pytest.mark.parametrize("name", sorted(REMOVE))
def test_remover_equals_libcst(name):
    src, unwanted = REMOVE[name]
    ctx = CodemodContext()
    ours_ctx = import_passes.CodemodContext()
    for module, obj, asname in unwanted:
        RemoveImportsVisitor.remove_unused_import(ctx, module, obj, asname)
        import_passes.remove_unused_import(ours_ctx, module, obj, asname)
    theirs = RemoveImportsVisitor(ctx).transform_module(cst.parse_module(src)).code
    tree = cst.parse_module(src)
    remover = ImportsRemover(ours_ctx.scratch[import_passes.REMOVE_KEY])
    assert unused_imports(tree, remover.scheduled) is not None  # our own pass decides it
    assert import_passes.run_import_passes(ours_ctx, tree).code == theirs


def test_relative_request_goes_to_libcst():
    ctx = import_passes.CodemodContext()
    import_passes.add_needed_import(ctx, ".sibling", "f")
    assert "from .sibling import f" in import_passes.run_import_passes(ctx, cst.parse_module("x = 1\n")).code


# the first 3 fixtures in the fast tier, 8 in the slow tier (time: libcst's passes beside ours)
@pytest.mark.parametrize("count", [3, pytest.param(8, marks=pytest.mark.slow)], ids=["sample", "more"])
def test_migration_checked_against_libcst(monkeypatch, count):
    """MIGRATOR_CHECK_IMPORTS=1 runs libcst's passes beside ours on a real migration (an
    AssertionError there is the file's TFM009)."""
    monkeypatch.setenv("MIGRATOR_CHECK_IMPORTS", "1")
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.py"))[:count]:
        res = migrate_source(path.read_text(encoding="utf-8"), str(path))
        assert not [d for d in res.diagnostics if d.rule == "TFM009"], path


def test_one_file_run_does_not_import_libcst_codemod():
    code = ("import sys\nfrom migrator.engine import migrate_source\n"
            "r = migrate_source('import tflearn\\nnet = tflearn.input_data(shape=[None, 4])\\n', 'm.py')\n"
            "assert r.status == 'migrated' and 'import keras' in r.code, r.code\n"
            "print(sorted(m for m in sys.modules if m.startswith(('libcst.codemod', 'libcst.matchers'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_import_in_a_def_goes_to_libcst(monkeypatch):
    """An unused legacy import inside a def: fastimports cannot decide it, libcst's own
    RemoveImportsVisitor removes it (libcst_passes) - and the check mode agrees."""
    calls = []
    from migrator.engine import libcst_passes

    real = libcst_passes.run
    monkeypatch.setattr(libcst_passes, "run", lambda *a: calls.append(a[0]) or real(*a))
    src = ("import tflearn\n\ndef build():\n    import tensorflow as tf\n"
           "    net = tflearn.input_data(shape=[None, 4])\n    return net\n")
    res = migrate_source(src, "m.py")
    assert "import tensorflow" not in res.code and "import tflearn" not in res.code, res.code
    assert calls == ["remove"]
