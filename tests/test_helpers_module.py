"""Helpers written once per output directory (issue 14): a directory run writes one
``tfm_helpers.py`` per directory of migrated files, which they import; single files
keep the helpers inline. Fast tier: no TensorFlow (the rewriter only)."""
from __future__ import annotations

import ast
import builtins
import symtable
from pathlib import Path

import pytest

from migrator.cli import main
from migrator.helpers import (HELPER_MARKER, HELPERS, MODULE_FILE, MODULE_NAME, closure, defines,
                              imported_helpers, module_source, names_in_module)
from migrator.rules import all_rules

# tflearn's shuffle (one helper) and its local response normalisation + 17 flowers loader (two
# more, one of which needs numpy): enough to tell one module from copies
SHUFFLE = ("import tflearn\nfrom tflearn.data_utils import shuffle\n"
           "X, Y = shuffle([[1.0]] * 4, [0, 1, 0, 1])\n"
           "net = tflearn.input_data(shape=[None, 1])\n"
           "net = tflearn.fully_connected(net, 2, activation='softmax')\n"
           "net = tflearn.regression(net)\nmodel = tflearn.DNN(net)\nmodel.fit(X, Y, n_epoch=1)\n")
LRN = ("import tflearn\nfrom tflearn.layers.normalization import local_response_normalization\n"
       "from tflearn.data_utils import shuffle\n"
       "net = tflearn.input_data(shape=[None, 8, 8, 3])\n"
       "net = local_response_normalization(net)\n"
       "X, Y = shuffle([[1.0]] * 4, [0, 1, 0, 1])\n")


def run(*args) -> int:
    return main([str(a) for a in args] + ["-q", "--jobs", "1", "--no-config"])


def tree(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "a.py").write_text(SHUFFLE)
    (root / "b.py").write_text(LRN)
    (root / "sub" / "c.py").write_text(SHUFFLE)
    (root / "plain.py").write_text("x = 1\n")
    return root


def undefined_globals(source: str) -> set[str]:
    """Names read as globals anywhere in ``source`` that its module does not bind (nor builtins)."""
    top = symtable.symtable(source, "<helpers>", "exec")
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    bound |= {n for n in dir(builtins)}
    missing: set[str] = set()

    def visit(t: symtable.SymbolTable) -> None:
        for s in t.get_symbols():
            if s.is_referenced() and (s.is_global() or t is top) and not s.is_assigned() \
                    and s.get_name() not in bound:
                missing.add(s.get_name())
        for c in t.get_children():
            visit(c)

    visit(top)
    return missing


# -- the module itself ---------------------------------------------------------------------------

def test_a_module_of_every_helper_binds_every_name_it_reads():
    all_rules()  # rule modules register their helpers on import
    assert len(HELPERS) > 50
    text = module_source(HELPERS)
    compile(text, MODULE_FILE, "exec")
    assert undefined_globals(text) == set()
    assert names_in_module(text) == closure(HELPERS)
    # each helper once, after the helpers it requires
    order = names_in_module(text)
    assert len(order) == len(set(order))
    for i, name in enumerate(order):
        assert set(HELPERS[name].requires) <= set(order[:i]), name


def test_the_checker_finds_an_unbound_name():  # the test above could fail
    assert undefined_globals("import numpy as np\ndef f():\n    return np.zeros(1) + keras.ops.ones(1)\n") == {"keras"}


def test_closure_adds_what_a_helper_requires():
    all_rules()
    needs = next(n for n, h in HELPERS.items() if h.requires)
    assert set(HELPERS[needs].requires) <= set(closure([needs]))
    assert closure([needs])[-1] == needs


# -- directory runs --------------------------------------------------------------------------------

def test_a_directory_run_writes_one_module_per_directory_and_no_copies(tmp_path: Path):
    src = tree(tmp_path / "src")
    assert run(src, "--out", tmp_path / "out") == 0
    out = tmp_path / "out"
    for f in ("a.py", "b.py", "sub/c.py"):
        text = (out / f).read_text()
        assert HELPER_MARKER not in text and "def tflearn_shuffle" not in text
        names = imported_helpers(text)
        assert "tflearn_shuffle" in names
        compile(text, f, "exec")
    top = (out / MODULE_FILE).read_text()
    sub = (out / "sub" / MODULE_FILE).read_text()
    assert top.count("def tflearn_shuffle") == 1 and sub.count("def tflearn_shuffle") == 1
    assert "LocalResponseNormalization" in names_in_module(top)
    assert "LocalResponseNormalization" not in names_in_module(sub)  # c.py does not need it
    # every name a file imports is bound by its directory's module
    for f, mod in (("a.py", top), ("b.py", top), ("sub/c.py", sub)):
        tree_ = ast.parse((out / f).read_text())
        imported = [a.name for n in tree_.body if isinstance(n, ast.ImportFrom) and n.module == MODULE_NAME
                    for a in n.names]
        bound = {s.get_name() for s in symtable.symtable(mod, "m", "exec").get_symbols() if s.is_assigned()}
        assert imported and set(imported) <= bound, f
    assert not (out / "plain.py").read_text().count("import")
    # a second run over the output changes nothing (the helpers module included)
    assert run(out, "--check") == 0


def test_in_place_twice_changes_nothing_the_second_time(tmp_path: Path):
    src = tree(tmp_path / "src")
    assert run(src, "--in-place") == 0
    first = {p: p.read_bytes() for p in sorted(src.rglob("*.py"))}
    assert src / MODULE_FILE in first and src / "sub" / MODULE_FILE in first
    assert run(src, "--in-place") == 0
    assert {p: p.read_bytes() for p in sorted(src.rglob("*.py"))} == first


def test_an_existing_module_is_completed_with_the_union(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.py").write_text(SHUFFLE)
    assert run(src, "--in-place") == 0
    assert names_in_module((src / MODULE_FILE).read_text()) == ["tflearn_shuffle"]
    (src / "b.py").write_text(LRN)  # a new legacy file in the same directory
    assert run(src, "--in-place") == 0
    have = names_in_module((src / MODULE_FILE).read_text())
    assert "tflearn_shuffle" in have and "LocalResponseNormalization" in have


def test_a_foreign_file_of_that_name_is_never_replaced_helpers_go_inline(tmp_path: Path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.py").write_text(SHUFFLE)
    (src / MODULE_FILE).write_text("VALUE = 42\n")
    assert main([str(src), "--in-place", "--jobs", "1", "--no-config"]) == 0
    assert (src / MODULE_FILE).read_text() == "VALUE = 42\n"
    assert "a.py:1:1: TFM024 warning" in capsys.readouterr().err
    text = (src / "a.py").read_text()  # its helpers went inline instead
    assert f"{HELPER_MARKER} tflearn_shuffle" in text and MODULE_NAME not in text


def test_diff_and_check_name_the_new_module(tmp_path: Path, capsys):
    src = tree(tmp_path / "src")
    assert run(src, "--diff") == 0
    diff = capsys.readouterr().out
    assert f"+++ {src / MODULE_FILE}" in diff and "+def tflearn_shuffle" in diff
    assert not (src / MODULE_FILE).exists()  # --diff writes nothing
    assert main([str(src), "--check", "--jobs", "1", "--no-config"]) == 1
    assert f"would migrate {src / MODULE_FILE}" in capsys.readouterr().err


# -- single files and the option --------------------------------------------------------------

def test_a_single_file_keeps_its_helpers_inline(tmp_path: Path):
    f = tmp_path / "a.py"
    f.write_text(SHUFFLE)
    assert run(f) == 0
    text = (tmp_path / "a_keras.py").read_text()
    assert f"{HELPER_MARKER} tflearn_shuffle" in text and MODULE_NAME not in text
    assert not (tmp_path / MODULE_FILE).exists()


def test_helpers_module_for_a_single_file_goes_next_to_its_copy(tmp_path: Path):
    f = tmp_path / "a.py"
    f.write_text(SHUFFLE)
    assert run(f, "--helpers", "module") == 0
    assert imported_helpers((tmp_path / "a_keras.py").read_text()) == ["tflearn_shuffle"]
    assert "tflearn_shuffle" in names_in_module((tmp_path / MODULE_FILE).read_text())
    assert f.read_text() == SHUFFLE


def test_helpers_inline_for_a_directory(tmp_path: Path):
    src = tree(tmp_path / "src")
    assert run(src, "--helpers", "inline", "--out", tmp_path / "out") == 0
    assert not list((tmp_path / "out").rglob(MODULE_FILE))
    assert "def tflearn_shuffle" in (tmp_path / "out" / "a.py").read_text()


@pytest.mark.parametrize("value,ok", [("inline", True), ("module", True), ("everywhere", False)])
def test_the_helpers_config_key(tmp_path: Path, monkeypatch, value, ok):
    src = tree(tmp_path / "src")
    (tmp_path / "pyproject.toml").write_text(f'[tool.tflearn-migrate]\nhelpers = "{value}"\n')
    monkeypatch.chdir(tmp_path)
    rc = main([str(src), "--out", str(tmp_path / "out"), "-q", "--jobs", "1"])
    if not ok:
        assert rc == 2
        return
    assert rc == 0
    assert bool(list((tmp_path / "out").rglob(MODULE_FILE))) == (value == "module")


def test_defines_lists_every_name_a_helper_binds():
    all_rules()
    multi = {n: defines(n) for n in HELPERS if len(defines(n)) > 1}
    assert multi, "some helper defines more than its own name (a store and its accessor)"
    for name, names in multi.items():
        text = module_source([name])
        bound = {s.get_name() for s in symtable.symtable(text, "m", "exec").get_symbols() if s.is_assigned()}
        assert set(names) - {name} <= bound
