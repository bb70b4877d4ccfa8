"""The tflearn-migrate CLI: modes, reports, bad input, exit codes, idempotence."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.cli import main

ROOT = Path(__file__).resolve().parents[1]

CNN = """\
import tflearn
from tflearn.layers.conv import conv_2d, max_pool_2d

net = tflearn.input_data(shape=[None, 8, 8, 1])
net = conv_2d(net, 4, 3, activation='relu')
net = max_pool_2d(net, 2)
net = tflearn.fully_connected(net, 10, activation='softmax')
net = tflearn.regression(net)
model = tflearn.DNN(net)
model.fit(X, Y, n_epoch=1)
"""

UNTRANSLATABLE = """\
import tflearn
net = tflearn.input_data(shape=[None, 4])
q = tflearn.utils.get_incoming_shape(net)
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "old_repo"
    (r / "models").mkdir(parents=True)
    (r / "models" / "cnn.py").write_text(CNN, encoding="utf-8")
    (r / "models" / "todo.py").write_text(UNTRANSLATABLE, encoding="utf-8")
    (r / "plain.py").write_text("x = 1\n", encoding="utf-8")
    (r / "README.txt").write_text("data\n", encoding="utf-8")
    (r / "weights.bin").write_bytes(bytes(range(256)))
    return r


def run(*args: str) -> int:
    return main([str(a) for a in args])


def test_out_of_tree_copy(repo: Path, capsys):
    assert run(repo) == 0
    out = repo.with_name("old_repo_keras")
    assert (out / "README.txt").read_text() == "data\n"
    assert (out / "weights.bin").read_bytes() == bytes(range(256))
    assert (out / "plain.py").read_text() == "x = 1\n"
    cnn = (out / "models" / "cnn.py").read_text()
    assert "tflearn" not in _code_only(cnn) and "keras.layers.Conv2D" in cnn
    compile(cnn, "cnn.py", "exec")
    todo = (out / "models" / "todo.py").read_text()
    assert TODO_MARKER in todo and "get_incoming_shape" in todo  # kept, marked, not dropped
    assert (repo / "models" / "cnn.py").read_text() == CNN  # input untouched
    err = capsys.readouterr().err
    assert "TFM100" in err and "todo.py:3" in err


def test_out_dir_and_second_run_changes_nothing(repo: Path, tmp_path: Path):
    out = tmp_path / "new"
    assert run(repo, "--out", out) == 0
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert run(out, "--check") == 0  # idempotent: migrating the output changes nothing
    out2 = tmp_path / "new2"
    assert run(out, "--out", out2) == 0
    second = {p.relative_to(out2): p.read_bytes() for p in out2.rglob("*") if p.is_file()}
    assert first == second


def test_second_run_to_the_same_output_needs_force(repo: Path, capsys):
    out = repo.with_name("old_repo_keras")
    assert run(repo) == 0
    capsys.readouterr()
    (out / "models" / "cnn.py").write_text("# my edits to the migrated copy\n")
    assert run(repo) == 2  # never replaces what is there (maybe edited) without --force
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--force" in err[0] and "Traceback" not in err[0]
    assert (out / "models" / "cnn.py").read_text() == "# my edits to the migrated copy\n"
    assert run(repo, "--force") == 0
    assert "keras" in (out / "models" / "cnn.py").read_text()


def test_single_file_default_output(repo: Path):
    f = repo / "models" / "cnn.py"
    assert run(f) == 0
    assert "keras" in (repo / "models" / "cnn_keras.py").read_text()


def test_in_place_is_explicit_and_complete(repo: Path):
    assert run(repo, "--in-place") == 0
    cnn = (repo / "models" / "cnn.py").read_text()
    assert "tflearn" not in _code_only(cnn)
    assert not list(repo.rglob("*.tmp")), "no temp files left behind"
    assert run(repo, "--check") == 0


def test_diff_writes_nothing(repo: Path, capsys):
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert run(repo, "--diff") == 0
    out = capsys.readouterr().out
    assert "-import tflearn" in out and "+import keras" in out
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before
    assert not repo.with_name("old_repo_keras").exists()


def test_check_exit_codes(repo: Path):
    assert run(repo, "--check") == 1
    assert run(repo / "plain.py", "--check") == 0


def test_strict_fails_on_todo(repo: Path, tmp_path: Path):
    assert run(repo / "models" / "todo.py", "--out", tmp_path / "o.py", "--strict") == 4
    assert run(repo / "models" / "cnn.py", "--out", tmp_path / "c.py", "--strict") == 0


@pytest.mark.parametrize("suffix", [".json", ".md"])
def test_report(repo: Path, tmp_path: Path, suffix: str):
    rep = tmp_path / f"report{suffix}"
    assert run(repo, "--check", "--report", rep) == 1
    text = rep.read_text()
    if suffix == ".json":
        doc = json.loads(text)
        files = {Path(f["path"]).name: f for f in doc["files"]}
        assert files["cnn.py"]["status"] == "migrated"
        assert files["plain.py"]["status"] == "unchanged"
        todo = [d for d in files["todo.py"]["diagnostics"] if d["todo"]]
        assert todo and todo[0]["rule"] == "TFM100" and todo[0]["line"] == 3
        by_rule = {r["rule"]: r for r in doc["summary"]["rules"]}
        assert by_rule["TFM102"]["translations"] == 1
        assert doc["summary"]["todo"] == len(todo)
    else:
        assert "| TFM102 |" in text and "todo.py" in text and "line 3" in text


def test_select_and_ignore(repo: Path, tmp_path: Path):
    out = tmp_path / "sel.py"
    assert run(repo / "models" / "cnn.py", "--out", out, "--ignore", "TFM102") == 0
    text = out.read_text()
    assert "conv_2d(" in text and TODO_MARKER in text  # not translated -> kept and marked
    assert "keras.layers.MaxPooling2D" in text
    assert run(repo, "--select", "TFM999") == 2  # unknown rule: usage error


BAD_FILES = {
    "py2.py": (b'print "hello"\n', "TFM003", "Python 2"),
    "syntax.py": (b"def f(:\n    pass\n", "TFM001", "syntax error"),
    "latin1.py": (b"x = '\xe9t\xe9'\n", "TFM002", "UTF-8"),
}


def test_bad_input_is_reported_and_copied_unchanged(tmp_path: Path, capsys):
    src = tmp_path / "bad"
    src.mkdir()
    for name, (data, _, _) in BAD_FILES.items():
        (src / name).write_bytes(data)
    (src / "empty.py").write_bytes(b"")
    (src / "good.py").write_text(CNN, encoding="utf-8")
    os.symlink("good.py", src / "link.py")
    out = tmp_path / "out"
    assert run(src, "--out", out) == 3  # some files failed
    err = capsys.readouterr().err
    for name, (data, rule, words) in BAD_FILES.items():
        assert (out / name).read_bytes() == data  # copied unchanged, nothing lost
        line = next(l for l in err.splitlines() if name in l)
        assert rule in line and words in line and f"{name}:1" in line
    assert (out / "empty.py").read_bytes() == b""
    assert os.path.islink(out / "link.py") and os.readlink(out / "link.py") == "good.py"
    assert "keras" in (out / "good.py").read_text()  # the run continued past bad files


def test_bad_input_in_place_is_untouched(tmp_path: Path):
    f = tmp_path / "py2.py"
    f.write_bytes(b'import tflearn\nprint "x"\n')
    assert run(f, "--in-place") == 3
    assert f.read_bytes() == b'import tflearn\nprint "x"\n'


def test_coding_cookie_is_honoured(tmp_path: Path):
    f = tmp_path / "latin.py"
    f.write_bytes(b"# -*- coding: latin-1 -*-\nimport tflearn\nx = tflearn.dropout(x, 0.5)  # caf\xe9\n")
    out = tmp_path / "o.py"
    assert run(f, "--out", out) == 0
    data = out.read_bytes()  # written back in the declared encoding, not re-encoded as UTF-8
    assert data.startswith(b"# -*- coding: latin-1 -*-\n") and b"# caf\xe9\n" in data
    assert "keras.layers.Dropout(0.5)" in data.decode("latin-1")


def test_usage_errors(tmp_path: Path, capsys):
    assert run(tmp_path / "missing") == 2
    assert run(tmp_path, "--jobs", "0") == 2
    assert run(tmp_path, "--report", tmp_path / "r.txt") == 2
    (tmp_path / "a.py").write_text("x = 1\n")
    assert run(tmp_path / "a.py", "--out", tmp_path / "a.py") == 2
    assert run(tmp_path / "a.py", "--out", tmp_path / "a.py", "--force") == 2
    assert run(tmp_path / "a.py", "--in-place", "--force") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 6 and all(l.startswith("tflearn-migrate: ") for l in err), err
    assert (tmp_path / "a.py").read_text() == "x = 1\n"


def test_parallel_jobs_give_the_same_result(tmp_path: Path):
    src = tmp_path / "many"
    src.mkdir()
    for i in range(12):
        (src / f"m{i}.py").write_text(CNN.replace("10, activation", f"{i + 2}, activation"))
    assert run(src, "--out", tmp_path / "j1", "--jobs", "1") == 0
    assert run(src, "--out", tmp_path / "j2", "--jobs", "2") == 0
    for i in range(12):
        a = (tmp_path / "j1" / f"m{i}.py").read_text()
        assert a == (tmp_path / "j2" / f"m{i}.py").read_text()
        assert f"Dense(\n    {i + 2}," in a


def test_console_entry_point_and_no_tensorflow_import(tmp_path: Path):
    """The rewriter must work where TensorFlow is not installed: it never imports it."""
    (tmp_path / "m.py").write_text(CNN)
    code = ("import sys, runpy\n"
            "sys.argv = ['tflearn-migrate', sys.argv[1], '--check', '-q']\n"
            "try:\n    runpy.run_module('migrator', run_name='__main__')\n"
            "except SystemExit as e:\n    rc = e.code\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tflearn')]\n"
            "print('RC', rc, 'IMPORTED', bad)\n")
    p = subprocess.run([sys.executable, "-c", code, str(tmp_path / "m.py")], capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert "RC 1 IMPORTED []" in p.stdout, p.stdout + p.stderr


def test_rules_listing(capsys):
    assert run("rules") == 0
    out = capsys.readouterr().out
    assert "TFM104" in out and "TFM100" in out


def _code_only(src: str) -> str:
    """The source without the marker comments above inserted helpers (which name the tool)."""
    from migrator.helpers import HELPER_MARKER

    return "".join(l for l in src.splitlines(True) if not l.lstrip().startswith(HELPER_MARKER))
