"""``--helpers package``: migrated files import their helpers from the installed tool's
``migrator.runtime`` instead of carrying them (inline) or a ``tfm_helpers.py`` next to them
(module). Fast tier: the rewriter and a static check of the runtime module; slow: the runtime
module hands out helper_src's own objects and a migrated program runs with it."""
from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrator.cli import main
from migrator.helpers import (HELPER_MARKER, HELPERS, MODULE_FILE, RUNTIME_MODULE, SOURCE_OF,
                              SOURCE_PACKAGE, defines)
from migrator.rules import all_rules
from tests.test_helpers_module import SHUFFLE, tree

ROOT = Path(__file__).resolve().parents[1]


def run(*args) -> int:
    return main([str(a) for a in args] + ["-q", "--jobs", "1", "--no-config"])


def runtime_imports(text: str) -> list[str]:
    return [a.name for n in ast.parse(text).body if isinstance(n, ast.ImportFrom)
            and n.module == RUNTIME_MODULE for a in n.names]


def test_a_directory_run_writes_no_helper_code_at_all(tmp_path: Path):
    src = tree(tmp_path / "src")
    assert run(src, "--helpers", "package", "--out", tmp_path / "out") == 0
    out = tmp_path / "out"
    assert not list(out.rglob(MODULE_FILE))
    all_rules()
    known = {b for n in HELPERS for b in defines(n)}
    for f in ("a.py", "b.py", "sub/c.py"):
        text = (out / f).read_text()
        assert HELPER_MARKER not in text and "def tflearn_shuffle" not in text
        names = runtime_imports(text)
        assert "tflearn_shuffle" in names and set(names) <= known, f
    assert "LocalResponseNormalization" in runtime_imports((out / "b.py").read_text())
    assert run(out, "--check") == 0  # a second run changes nothing


def test_a_single_file_and_stdin_import_from_the_runtime(tmp_path: Path, monkeypatch, capsys):
    f = tmp_path / "a.py"
    f.write_text(SHUFFLE)
    assert run(f, "--helpers", "package") == 0
    text = (tmp_path / "a_keras.py").read_text()
    assert runtime_imports(text) == ["tflearn_shuffle"] and "def tflearn_shuffle" not in text
    assert not (tmp_path / MODULE_FILE).exists()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SHUFFLE.encode())))
    capsys.readouterr()
    assert main(["-", "--helpers", "package", "-q", "--no-config"]) == 0
    assert capsys.readouterr().out == text


def test_the_config_key_accepts_package(tmp_path: Path, monkeypatch):
    src = tree(tmp_path / "src")
    (tmp_path / "pyproject.toml").write_text('[tool.tflearn-migrate]\nhelpers = "package"\n')
    monkeypatch.chdir(tmp_path)
    assert main([str(src), "--out", str(tmp_path / "out"), "-q", "--jobs", "1"]) == 0
    assert runtime_imports((tmp_path / "out" / "a.py").read_text()) == ["tflearn_shuffle"]


def test_every_helper_name_is_bound_at_the_top_of_its_source_module():
    # migrator.runtime finds a helper by importing helper_src's modules and looking the name
    # up: each name a migrated file may import must be bound at the top of its module
    all_rules()
    for name in HELPERS:
        module = SOURCE_OF[name]
        top = ast.parse((SOURCE_PACKAGE / f"{module}.py").read_text())
        bound = set()
        for node in top.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    bound |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
        names = set(defines(name))
        if len(names) > 1 and name not in bound:  # a group's name (TF1EstimatorParts): never imported
            names.discard(name)
        assert names <= bound, (name, module)


def test_importing_the_runtime_module_imports_no_keras():
    code = "import sys, migrator.runtime; print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_the_runtime_hands_out_helper_srcs_own_objects():
    code = textwrap.dedent("""
        import importlib
        import migrator.runtime as runtime
        from migrator.helpers import HELPERS, SOURCE_OF, defines
        from migrator.rules import all_rules
        all_rules()
        bad = []
        for name in HELPERS:
            module = importlib.import_module("migrator.helper_src." + SOURCE_OF[name])
            names = defines(name)
            for b in names:
                if len(names) > 1 and b == name and not hasattr(module, b):
                    continue  # a group's name (TF1EstimatorParts): never imported
                if getattr(runtime, b) is not getattr(module, b):
                    bad.append((name, b))
        try:
            runtime.no_such_helper
        except AttributeError:
            print("missing ok")
        print(len(HELPERS), bad)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": "tensorflow"},
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    assert lines[-2] == "missing ok"
    count, bad = lines[-1].split(" ", 1)
    assert int(count) > 100 and bad == "[]"


@pytest.mark.slow
def test_a_migrated_program_runs_with_the_runtime_helpers(tmp_path: Path):
    src = tmp_path / "train.py"  # shuffle (a helper) on one-hot labels tflearn's regression accepts
    src.write_text(SHUFFLE.replace("[0, 1, 0, 1]", "[[1, 0], [0, 1], [1, 0], [0, 1]]"))
    assert run(src, "--helpers", "package") == 0
    out = subprocess.run([sys.executable, str(tmp_path / "train_keras.py")], capture_output=True,
                         text=True, cwd=tmp_path, timeout=600,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": "tensorflow"})
    assert out.returncode == 0, out.stderr[-3000:]
