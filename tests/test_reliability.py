"""Reliability: the CLI never loses, corrupts or silently skips a user's code.

Probes of bad input and unsafe modes (issue 11): output planning, encodings and line endings,
in-place safety (concurrent edits, mode/owner/hard links, temp files, Ctrl-C), every legacy
import form, notebooks, shebang scripts, skipped paths, exit codes and one-line messages,
``--diff`` patches, and a property test over generated legacy snippets. No TensorFlow here.
"""
from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrator import TODO_MARKER, fileio
from migrator import runner as runner_mod
from migrator.cli import main
from migrator.engine import migrate_source

ROOT = Path(__file__).resolve().parents[1]

LEGACY = """\
import tflearn

net = tflearn.input_data(shape=[None, 8])
net = tflearn.fully_connected(net, 4, activation='relu')
"""

TF1 = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 4])
y = tf.layers.dense(x, 3)
"""


def run(*args) -> int:
    return main([str(a) for a in args])


def cli(*args, cwd=None, timeout=120, env=None) -> subprocess.CompletedProcess:
    """The CLI as a user runs it (a process of its own)."""
    return subprocess.run([sys.executable, "-m", "migrator", *map(str, args)], capture_output=True,
                          cwd=cwd, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def snapshot(d: Path) -> dict:
    return {p.relative_to(d): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file() and not p.is_symlink()}


def one_line(stderr: bytes | str) -> str:
    text = stderr.decode() if isinstance(stderr, bytes) else stderr
    # (progress lines - plain `progress: ...` when stderr is not a terminal - may come before)
    lines = [l for l in text.splitlines() if l.strip() and not l.startswith("progress: ")]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


# ---------------------------------------------------------------------------------------
# 1. output planning before any write
# ---------------------------------------------------------------------------------------

def test_out_inside_the_input_never_overwrites_it(tmp_path: Path, capsys):
    t = tmp_path / "t"
    (t / "models").mkdir(parents=True)
    (t / "train.py").write_text(LEGACY)
    (t / "models" / "train.py").write_text("# my own file\nx = 1\n")
    before = snapshot(t)
    assert run(t, "--out", t / "models") == 2
    assert run(t, "--out", t / "models", "--force") == 2  # --force never replaces an input
    assert snapshot(t) == before
    assert "inside the input" in one_line(capsys.readouterr().err.splitlines()[-1])


def test_existing_output_needs_force(tmp_path: Path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.py").write_text(LEGACY)
    (src / "notes.txt").write_text("new\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.py").write_text("precious\n")
    (out / "other.txt").write_text("keep\n")
    assert run(src, "--out", out) == 2
    line = one_line(capsys.readouterr().err)
    assert "already exist" in line and "--force" in line
    assert (out / "a.py").read_text() == "precious\n" and not (out / "notes.txt").exists()
    assert run(src, "--out", out, "--force") == 0
    assert "keras" in (out / "a.py").read_text() and (out / "other.txt").read_text() == "keep\n"


def test_two_roots_with_the_same_name_collide(tmp_path: Path, capsys):
    for d in ("a", "b"):
        (tmp_path / d / "models").mkdir(parents=True)
        (tmp_path / d / "models" / "m.py").write_text(LEGACY.replace("4", d == "a" and "4" or "5"))
    out = tmp_path / "X"
    assert run(tmp_path / "a" / "models", tmp_path / "b" / "models", "--out", out) == 2
    line = one_line(capsys.readouterr().err)
    assert "would both be written" in line and not out.exists()  # nothing written at all


def test_never_writes_through_a_symlink(tmp_path: Path, capsys):
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "m.py").write_text(LEGACY)
    (src / "top.py").write_text(LEGACY)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "m.py").write_text("outside\n")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / "pkg")
    assert run(src, "--out", out, "--force") == 2
    assert "symbolic link" in one_line(capsys.readouterr().err)
    assert (elsewhere / "m.py").read_text() == "outside\n"
    # a symlink at the destination itself is replaced by the file, its target untouched
    os.unlink(out / "pkg")
    os.symlink(elsewhere / "m.py", out / "top.py")
    assert run(src, "--out", out, "--force") == 0
    assert not (out / "top.py").is_symlink() and "keras" in (out / "top.py").read_text()
    assert (elsewhere / "m.py").read_text() == "outside\n"


def test_out_naming_a_file_and_dot_as_path(tmp_path: Path, capsys):
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "m.py").write_text(LEGACY)
    (tmp_path / "afile").write_text("x\n")
    assert run(proj, "--out", tmp_path / "afile") == 2
    assert "not a directory" in one_line(capsys.readouterr().err)
    p = cli(".", "-q", cwd=proj)
    assert p.returncode == 0, p.stderr
    assert "keras" in (tmp_path / "proj_keras" / "m.py").read_text()


def test_write_error_is_one_line_and_leaves_no_temp(tmp_path: Path, capsys, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.py").write_text(LEGACY)
    (tmp_path / "blocker").write_text("a file where a directory is needed\n")
    assert run(src, "--out", tmp_path / "blocker" / "out") == 2
    assert "not a directory" in one_line(capsys.readouterr().err)

    def full(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(fileio.os, "replace", full)
    assert run(src, "--out", tmp_path / "o2") == 2
    assert "No space left on device" in one_line(capsys.readouterr().err)
    assert not [p for p in tmp_path.rglob("*") if fileio.TEMP_TAG in p.name]


# ---------------------------------------------------------------------------------------
# 2. encodings and line endings
# ---------------------------------------------------------------------------------------

def test_latin1_cookie_in_place_keeps_the_text(tmp_path: Path):
    f = tmp_path / "m.py"
    f.write_bytes(b"# -*- coding: latin-1 -*-\n" + LEGACY.encode() + b's = "caf\xe9"\n')
    assert run(f, "--in-place") == 0
    data = f.read_bytes()
    assert b's = "caf\xe9"\n' in data and b"keras" in data
    import ast

    consts = [n.value for n in ast.walk(ast.parse(data)) if isinstance(n, ast.Constant)]
    assert "café" in consts  # what Python reads under the cookie


def test_bom_and_crlf_are_kept(tmp_path: Path):
    f = tmp_path / "bom.py"
    f.write_bytes(b"\xef\xbb\xbf" + LEGACY.replace("\n", "\r\n").encode())
    assert run(f, "--in-place") == 0
    data = f.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"keras" in data
    assert data.count(b"\n") == data.count(b"\r\n"), "every line keeps its CRLF"
    assert run(f, "--check") == 0


def test_crlf_in_place_changes_only_rewritten_lines(tmp_path: Path):
    f = tmp_path / "crlf.py"
    body = LEGACY + "\n\ndef untouched(a):\n    return a * 2  # comment\n"
    f.write_bytes(body.replace("\n", "\r\n").encode())
    assert run(f, "--in-place") == 0
    data = f.read_bytes()
    assert b"def untouched(a):\r\n    return a * 2  # comment\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_undecodable_file_is_refused_with_one_clear_line(tmp_path: Path, capsys):
    f = tmp_path / "m.py"
    raw = b"# coding: utf-8\n" + LEGACY.encode() + b"s = 'caf\xe9'\n"
    f.write_bytes(raw)
    assert run(f, "--in-place") == 3
    err = capsys.readouterr().err
    line = next(l for l in err.splitlines() if "TFM002" in l)
    assert "m.py:6" in line and "utf-8" in line
    assert f.read_bytes() == raw


def test_any_syntax_the_running_python_accepts(tmp_path: Path):
    f = tmp_path / "modern.py"
    f.write_text(LEGACY + "\nmatch net:\n    case [a, *rest]:\n        pass\n    case _:\n        pass\n"
                 "try:\n    pass\nexcept* ValueError:\n    pass\n"
                 "with (open('a') as fa, open('b') as fb):\n    pass\n"
                 "def pos(a, /, b, *, c):\n    return (y := a)\n")
    out = tmp_path / "o.py"
    assert run(f, "--out", out) == 0
    new = out.read_text()
    compile(new, "o.py", "exec")
    assert "keras" in new and "except* ValueError" in new and "case [a, *rest]" in new


# ---------------------------------------------------------------------------------------
# 3. in-place that cannot lose an edit
# ---------------------------------------------------------------------------------------

def _edit_during_run(monkeypatch, action):
    real = runner_mod._execute

    def slow(jobs, n, progress):
        res = real(jobs, n, progress)
        action()  # the user edits while the (minutes long) run is busy
        return res
    monkeypatch.setattr(runner_mod, "_execute", slow)


def test_in_place_never_overwrites_an_edit_made_during_the_run(tmp_path: Path, monkeypatch, capsys):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text(LEGACY)
    b.write_text(LEGACY)
    edited = LEGACY + "print('my new line')\n"
    _edit_during_run(monkeypatch, lambda: a.write_text(edited))
    assert run(tmp_path, "--in-place") == 3
    assert a.read_text() == edited  # the edit survives
    assert "keras" in b.read_text()  # the other file is migrated
    line = next(l for l in capsys.readouterr().err.splitlines() if "TFM007" in l)
    assert "a.py" in line and "changed during the run" in line


def test_in_place_never_recreates_a_deleted_file(tmp_path: Path, monkeypatch, capsys):
    a = tmp_path / "a.py"
    a.write_text(LEGACY)
    _edit_during_run(monkeypatch, a.unlink)
    assert run(a, "--in-place") == 3
    assert not a.exists()
    assert "deleted during the run" in capsys.readouterr().err


def test_in_place_keeps_mode_owner_and_reports_hard_links(tmp_path: Path, capsys):
    a = tmp_path / "a.py"
    a.write_text(LEGACY)
    os.chmod(a, 0o751)
    if os.geteuid() == 0:
        os.chown(a, 4321, 4322)
    os.link(a, tmp_path / "a_hardlink.txt")
    assert run(a, "--in-place") == 0
    st = os.stat(a)
    assert stat.S_IMODE(st.st_mode) == 0o751
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (4321, 4322)
    assert "keras" in a.read_text()
    line = next(l for l in capsys.readouterr().err.splitlines() if "TFM008" in l)
    assert "hard links" in line
    assert (tmp_path / "a_hardlink.txt").read_text() == LEGACY  # reported: the other name is legacy


def test_failed_replace_leaves_the_file_and_no_temp(tmp_path: Path, monkeypatch, capsys):
    a = tmp_path / "a.py"
    a.write_text(LEGACY)

    def boom(*args, **kw):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(fileio.os, "replace", boom)
    assert run(a, "--in-place") == 3
    assert a.read_text() == LEGACY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]
    assert "cannot write" in capsys.readouterr().err


def _tree(d: Path, n: int) -> None:
    """Enough work that a fast machine is still busy after 3 s (the run is stopped anyway)."""
    d.mkdir()
    more = "".join(f"net = tflearn.fully_connected(net, {k + 3}, activation='relu')\n" for k in range(40))
    for i in range(n):
        (d / f"m{i:03d}.py").write_text(LEGACY.replace("4,", f"{i + 2},") + more)


@pytest.mark.parametrize("jobs,sig,rc", [("2", signal.SIGINT, 130), ("1", signal.SIGINT, 130),
                                         ("2", signal.SIGTERM, 143)])
def test_ctrl_c_stops_within_two_seconds(tmp_path: Path, jobs, sig, rc):
    src = tmp_path / "src"
    _tree(src, 200)
    before = snapshot(src)
    # as from a terminal: SIGINT at its default (a pytest-xdist worker ignores it, and a Python
    # started with SIGINT ignored keeps ignoring it - no KeyboardInterrupt)
    proc = subprocess.Popen([sys.executable, "-m", "migrator", str(src), "--in-place", "--jobs", jobs],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(3.0)  # started, workers busy
    assert proc.poll() is None, proc.communicate()
    t0 = time.monotonic()
    os.killpg(proc.pid, sig)  # what a terminal does on Ctrl-C: the whole process group
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - t0
    assert proc.returncode == rc, err
    assert took < 2.0, f"took {took:.1f}s to stop"
    assert "interrupted" in one_line(err) or "terminated" in one_line(err)
    assert not [p for p in src.iterdir() if fileio.TEMP_TAG in p.name or p.suffix == ".tmp"]
    for p in src.iterdir():  # each file is either the legacy original or completely migrated
        data = p.read_bytes()
        assert data == before[p.relative_to(src)] or b"keras" in data
        compile(data, str(p), "exec")


def test_a_stop_python_swallows_still_stops_the_run(tmp_path: Path, monkeypatch, capsys):
    """Ctrl-C landing in a finalizer or weakref callback: Python hands the KeyboardInterrupt to
    sys.unraisablehook ("Exception ignored in" and a traceback) and goes on; the run must stop
    after the file it is migrating anyway, and the CLI's hook keeps that report (noise: the stop
    is recorded and raised again) off stderr - other unraisable exceptions still reach the hook
    that was there."""
    src = tmp_path / "src"
    _tree(src, 4)
    before = snapshot(src)
    calls = []
    real = runner_mod._job

    class Finalizer:
        def __del__(self):
            signal.raise_signal(signal.SIGINT)  # the handler's KeyboardInterrupt is ignored here

    def job(j):
        calls.append(j)
        if len(calls) == 2:
            Finalizer()
        return real(j)

    monkeypatch.setattr(runner_mod, "_job", job)
    swallowed = []

    def hook(u):
        swallowed.append(u.exc_type)

    monkeypatch.setattr(sys, "unraisablehook", hook)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    try:
        assert main([str(src), "--in-place", "--jobs", "1"]) == 130
    finally:
        signal.signal(signal.SIGINT, old)
    assert swallowed == []  # (our stop: not reported)
    assert sys.unraisablehook is hook and not runner_mod._stop  # neither the CLI's hook nor the stop outlive the run
    assert len(calls) == 2
    err = capsys.readouterr().err
    assert "interrupted" in err and "Exception ignored" not in err
    assert snapshot(src) == before


def test_other_unraisable_exceptions_still_reach_the_previous_hook(tmp_path: Path, monkeypatch):
    src = tmp_path / "src"
    _tree(src, 2)
    real = runner_mod._job

    class Finalizer:
        def __del__(self):
            raise ValueError("a finalizer's own error")

    def job(j):
        Finalizer()
        return real(j)

    monkeypatch.setattr(runner_mod, "_job", job)
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_type))
    assert main([str(src), "--in-place", "--jobs", "1"]) == 0
    assert seen == [ValueError, ValueError]


# ---------------------------------------------------------------------------------------
# 4. nothing skipped silently
# ---------------------------------------------------------------------------------------

IMPORT_FORMS = {
    "several_names.py": "import numpy as np, tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\n"
                        "y = tf.layers.dense(x, 3)\nz = np.zeros(3)\n",
    "os_tflearn.py": "import os, tflearn\nnet = tflearn.input_data(shape=[None, 4])\n"
                     "net = tflearn.fully_connected(net, 3)\n",
    "semicolon.py": "import os; import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\n"
                    "y = tf.layers.dense(x, 3)\n",
    "in_try.py": "try:\n    import tensorflow.compat.v1 as tf\nexcept ImportError:\n    import tensorflow as tf\n"
                 "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.layers.dense(x, 3)\n",
    "in_if.py": "import sys\nif sys.version_info >= (3,):\n    import tflearn\n"
                "net = tflearn.input_data(shape=[None, 4])\nnet = tflearn.fully_connected(net, 3)\n",
    "continued.py": "import os, \\\n    tflearn\nnet = tflearn.input_data(shape=[None, 4])\n"
                    "net = tflearn.fully_connected(net, 3)\n",
}


def test_every_legacy_import_form_is_migrated(tmp_path: Path):
    for name, src in IMPORT_FORMS.items():
        (tmp_path / name).write_text(src)
    assert run(tmp_path, "--check") == 1
    out = tmp_path.with_name(tmp_path.name + "_out")
    assert run(tmp_path, "--out", out) == 0
    for name in IMPORT_FORMS:
        new = (out / name).read_text()
        assert "keras" in new, (name, new)
        assert ".placeholder" not in new and "tflearn.fully_connected" not in new, (name, new)
        compile(new, name, "exec")


def test_star_import_and_compat_v1_are_reported(tmp_path: Path, capsys):
    star = tmp_path / "star.py"
    star.write_text("from tensorflow.compat.v1 import *\nx = placeholder(float32, [None, 4])\n")
    compat = tmp_path / "compat.py"
    compat.write_text("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n"
                      "x = tf.placeholder(tf.float32, [None, 4])\nprint(x)\n")
    rep = tmp_path / "r.json"
    assert run(star, "--check", "--strict", "--report", rep) != 0
    err = capsys.readouterr().err
    assert "star.py:1:1: TFM100" in err and "import *" in err
    doc = json.loads(rep.read_text())
    assert doc["summary"]["todo"] >= 1
    assert run(star, "--out", tmp_path / "s.py", "--strict") == 4
    assert run(compat, "--check") == 1
    # the placeholder is printed: the program stays TF1, and so does the graph-mode switch it needs
    assert "compat.py:2:1: TFM013 warning: kept: the TF1 lines left below" in capsys.readouterr().err


NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "import tflearn in prose\n"]},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
         "source": ["%matplotlib inline\n", "import tflearn\n", "!pip install tflearn"]},
        {"cell_type": "code", "execution_count": 2, "metadata": {"tags": ["x"]},
         "outputs": [{"name": "stdout", "output_type": "stream", "text": ["old output\n"]}],
         "source": ["net = tflearn.input_data(shape=[None, 8])\n",
                    "net = tflearn.fully_connected(net, 4, activation='relu')\n", "net?"]},
        {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [],
         "source": "%%bash\necho tflearn\n"},
        {"cell_type": "code", "execution_count": 4, "metadata": {}, "outputs": [],
         "source": ["q = tflearn.utils.get_incoming_shape(net)\n", "print(q)"]},
    ],
    "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5,
}


def test_notebook_migrated_cell_by_cell(tmp_path: Path, capsys):
    nb = tmp_path / "nb.ipynb"
    nb.write_text(json.dumps(NOTEBOOK, indent=1) + "\n")
    rep = tmp_path / "r.md"
    assert run(nb, "--report", rep) == 0
    err = capsys.readouterr().err
    new = json.loads((tmp_path / "nb_keras.ipynb").read_text())
    cells = new["cells"]
    assert cells[0] == NOTEBOOK["cells"][0]  # markdown untouched
    c1 = "".join(cells[1]["source"])
    assert "%matplotlib inline\n" in c1 and c1.endswith("!pip install tflearn") and "import keras" in c1
    c2 = "".join(cells[2]["source"])
    assert "keras.layers.Dense" in c2 and "tflearn" not in c2 and c2.endswith("net?")
    assert cells[2]["outputs"] == NOTEBOOK["cells"][2]["outputs"]  # outputs kept by default
    assert cells[2]["metadata"] == {"tags": ["x"]}
    assert cells[3] == NOTEBOOK["cells"][3]  # %%bash cell kept as it is
    assert TODO_MARKER in "".join(cells[4]["source"])
    assert "nb.ipynb cell 5:1:1: TFM100" in err  # diagnostics name the cell
    assert "cell 5, line 1" in rep.read_text()
    # idempotent, and --clear-outputs clears the outputs of changed cells
    assert run(tmp_path / "nb_keras.ipynb", "--check") == 0
    assert run(nb, "--out", tmp_path / "c.ipynb", "--clear-outputs") == 0
    cleared = json.loads((tmp_path / "c.ipynb").read_text())["cells"]
    assert cleared[2]["outputs"] == [] and cleared[2]["execution_count"] is None


def test_notebook_future_imports_stay_first_in_their_cells(tmp_path: Path, capsys):
    # TensorFlow-Examples' notebooks open cells with ``from __future__ import print_function``
    # (valid at the top of any cell): the joined module put it after a cell marker, a
    # SyntaxError, and every such notebook failed (TFM009); the migration's ``import keras``
    # must not go above it either (that cell would no longer compile)
    nb = tmp_path / "nb.ipynb"
    cells = [
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
         "source": ["from __future__ import print_function\n", "\n", "import numpy as np\n",
                    "import tensorflow as tf"]},
        {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [],
         "source": ["# later cell\n", "from __future__ import division, absolute_import\n",
                    "a = tf.constant(2)\n", "print(a / 3)"]},
    ]
    nb.write_text(json.dumps({**NOTEBOOK, "cells": cells}, indent=1) + "\n")
    assert run(nb) == 0
    assert "TFM009" not in capsys.readouterr().err
    new = [("".join(c["source"])) for c in json.loads((tmp_path / "nb_keras.ipynb").read_text())["cells"]]
    assert new[0].startswith("from __future__ import print_function\n") and "import keras" in new[0]
    assert new[1].startswith("# later cell\nfrom __future__ import division, absolute_import\n")
    assert "keras.ops.convert_to_tensor(2)" in new[1] and "tf." not in new[0] + new[1]
    for src in new:
        compile(src, "cell", "exec")
    assert run(tmp_path / "nb_keras.ipynb", "--check") == 0


def test_an_untranslated_api_in_an_elif_is_marked_on_the_elif_alone(tmp_path: Path, capsys):
    # tflearn's own utils.py / estimator.py: ``elif isinstance(x, tf.TensorShape):`` made the
    # engine hand libcst a sequence in place of the elif (TFM009: the whole file failed), and
    # the ``if`` above it was marked too although its own line reads no TF1 name
    f = tmp_path / "a.py"
    f.write_text("import tensorflow as tf\n\n\ndef f(s, loss):\n    if isinstance(s, int):\n"
                 "        return [1, s, s, 1]\n    elif isinstance(s, (tuple, list, tf.TensorShape)):\n"
                 "        return s\n    elif s is None:\n        return loss\n")
    assert run(f) == 0
    assert "TFM009" not in capsys.readouterr().err
    out = (tmp_path / "a_keras.py").read_text().splitlines()
    marks = [i for i, ln in enumerate(out) if ln.strip().startswith(f"# {TODO_MARKER}")]
    assert len(marks) == 1 and out[marks[0] + 1].strip().startswith("elif isinstance(s, (tuple")
    assert run(tmp_path / "a_keras.py", "--check") == 0


def test_broken_notebook_is_reported_and_copied_unchanged(tmp_path: Path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "broken.ipynb").write_bytes(b'{"cells": [ {"cell_type": "code", "source": "import tflearn"')
    assert run(src, "--out", tmp_path / "out") == 3
    assert "broken.ipynb:1:1: TFM023" in capsys.readouterr().err
    assert (tmp_path / "out" / "broken.ipynb").read_bytes() == (src / "broken.ipynb").read_bytes()


def test_shebang_scripts_and_pyw_are_migrated(tmp_path: Path):
    src = tmp_path / "src"
    (src / "bin").mkdir(parents=True)
    (src / "bin" / "train").write_text("#!/usr/bin/env python3\n" + LEGACY)
    (src / "gui.pyw").write_text(LEGACY)
    (src / "bin" / "run.sh").write_text("#!/bin/sh\nimport tflearn\n")
    (src / "Makefile").write_text("all:\n\tpython train\n")
    os.chmod(src / "bin" / "train", 0o755)
    assert run(src, "--check") == 1
    out = tmp_path / "out"
    assert run(src, "--out", out) == 0
    assert "keras" in (out / "bin" / "train").read_text()
    assert (out / "bin" / "train").read_text().startswith("#!/usr/bin/env python3\n")
    assert os.stat(out / "bin" / "train").st_mode & 0o111  # still executable
    assert "keras" in (out / "gui.pyw").read_text()
    assert (out / "bin" / "run.sh").read_text() == "#!/bin/sh\nimport tflearn\n"  # copied unchanged
    assert (out / "Makefile").exists()


def test_skipped_paths_are_listed(tmp_path: Path, capsys):
    src = tmp_path / "src"
    (src / "venv" / "lib").mkdir(parents=True)
    (src / "venv" / "lib" / "m.py").write_text(LEGACY)
    (src / "myenv").mkdir()
    (src / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (src / "ok.py").write_text(LEGACY)
    os.mkfifo(src / "pipe.py")
    rep = tmp_path / "r.json"
    p = cli(src, "--out", tmp_path / "out", "--report", rep, timeout=60)  # the FIFO never hangs
    assert p.returncode == 0, p.stderr
    err = p.stderr.decode()
    for name in ("venv", "myenv", "pipe.py"):
        assert any(l.startswith("skipped ") and name in l for l in err.splitlines()), err
    doc = json.loads(rep.read_text())
    skipped = {Path(s["path"]).name: s["reason"] for s in doc["summary"]["skipped_paths"]}
    assert set(skipped) == {"venv", "myenv", "pipe.py"} and "FIFO" in skipped["pipe.py"]
    assert "keras" in (tmp_path / "out" / "ok.py").read_text()
    # a FIFO named as PATH: listed, not opened
    p = cli(src / "pipe.py", "--check", timeout=60)
    assert p.returncode == 0 and b"FIFO" in p.stderr


def test_unreadable_code_fails_check(tmp_path: Path, monkeypatch, capsys):
    src = tmp_path / "src"
    (src / "locked").mkdir(parents=True)
    (src / "locked" / "m.py").write_text(LEGACY)
    (src / "secret.py").write_text(LEGACY)
    (src / "plain.py").write_text("x = 1\n")
    real_scandir, real_read = os.scandir, fileio.read_regular

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def read_regular(path, limit=None):
        if Path(path).name == "secret.py":
            raise PermissionError(13, "Permission denied")
        return real_read(path, limit)
    monkeypatch.setattr(runner_mod.os, "scandir", scandir)
    monkeypatch.setattr(fileio, "read_regular", read_regular)
    rep = tmp_path / "r.json"
    assert run(src, "--check", "--report", rep) == 3  # legacy code could not be read: not clean
    err = capsys.readouterr().err
    assert "locked:1:1: TFM006" in err and "cannot read directory" in err
    assert "secret.py:1:1: TFM006" in err
    doc = json.loads(rep.read_text())
    assert {Path(u["path"]).name for u in doc["summary"]["unreadable_paths"]} == {"locked", "secret.py"}


# ---------------------------------------------------------------------------------------
# 5. exit codes and one-line messages
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,words", [
    ([".", "--bogus"], "unrecognized"),
    ([], "required: PATH"),
    (["missing_dir"], "no such file"),
    ([".", "--jobs", "0"], "--jobs"),
    ([".", "--report", "r.txt"], ".json or .md"),
    ([".", "--check", "--force"], "--force"),
    ([".", "--in-place", "--diff"], "not allowed"),
    (["m.py", "--report", "nodir/r.json"], "does not exist"),
    ([".", "--in-place", "--report", "notes.md"], "overwrite the input"),
    (["m.py", "--report", "sub.json"], "directory"),
])
def test_usage_errors_are_one_line_exit_2(tmp_path: Path, args, words):
    (tmp_path / "m.py").write_text(LEGACY)
    (tmp_path / "notes.md").write_text("my notes\n")
    (tmp_path / "sub.json").mkdir()
    p = cli(*args, cwd=tmp_path)
    assert p.returncode == 2
    assert words in one_line(p.stderr)
    assert (tmp_path / "m.py").read_text() == LEGACY and (tmp_path / "notes.md").read_text() == "my notes\n"


def test_report_destination_is_checked_before_in_place_writes(tmp_path: Path, capsys):
    a = tmp_path / "a.py"
    a.write_text(LEGACY)
    assert run(a, "--in-place", "--report", tmp_path / "missing" / "r.json") == 2
    assert a.read_text() == LEGACY  # nothing rewritten
    assert "does not exist" in one_line(capsys.readouterr().err)


def test_report_inside_the_new_out_tree(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.py").write_text(LEGACY)
    out = tmp_path / "new" / "tree"
    assert run(src, "--out", out, "--report", out / "logs" / "report.json") == 0
    assert json.loads((out / "logs" / "report.json").read_text())["summary"]["migrated"] == 1


def test_report_in_the_tree_replaces_only_our_own_report(tmp_path: Path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.py").write_text(LEGACY)
    rep = src / "report.md"
    assert run(src, "--check", "--report", rep) == 1
    assert run(src, "--in-place", "--report", rep) == 0  # an earlier report may be replaced
    assert "migrated" in rep.read_text() and "keras" in (src / "a.py").read_text()
    rep.write_text("# my own notes\n")
    assert run(src, "--check", "--report", rep) == 2  # the user's file is never replaced
    assert rep.read_text() == "# my own notes\n"


def test_unreadable_other_file_in_out_mode(tmp_path: Path, monkeypatch, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.py").write_text(LEGACY)
    (src / "data.bin").write_bytes(b"\0\1")
    real_open = open

    def guarded(path, *a, **k):
        if str(path).endswith("data.bin"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **k)
    monkeypatch.setattr("builtins.open", guarded)
    assert run(src, "--out", tmp_path / "out") == 3
    assert "data.bin:1:1: TFM006" in capsys.readouterr().err
    assert "keras" in (tmp_path / "out" / "a.py").read_text()


def test_non_utf8_file_name(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    name = os.fsdecode(b"caf\xe9.py")
    (src / name).write_text(LEGACY)
    rep = tmp_path / "r.json"
    p = cli(src, "--out", tmp_path / "out", "--report", rep, env={"LC_ALL": "C.UTF-8"})
    assert p.returncode == 0 and b"Traceback" not in p.stderr, p.stderr
    assert "keras" in (tmp_path / "out" / name).read_text()
    assert json.loads(rep.read_text())["summary"]["migrated"] == 1


# ---------------------------------------------------------------------------------------
# --diff is a valid patch
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("newline,final", [("\n", False), ("\r\n", True), ("\r\n", False)])
def test_diff_is_a_valid_patch(tmp_path: Path, newline, final):
    body = (LEGACY + "y = 2").replace("\n", newline) + (newline if final else "")
    work = tmp_path / "w"
    work.mkdir()
    (work / "m.py").write_bytes(body.encode())
    p = cli("m.py", "--diff", cwd=work)
    assert p.returncode == 0 and p.stdout, p.stderr
    if not final:
        assert b"\\ No newline at end of file" in p.stdout
    ref = tmp_path / "ref.py"
    assert run(work / "m.py", "--out", ref) == 0
    patch = subprocess.run(["patch", "-p0", "--binary", "-s"], input=p.stdout, cwd=work, capture_output=True)
    assert patch.returncode == 0, patch.stdout + patch.stderr
    assert (work / "m.py").read_bytes() == ref.read_bytes()


def test_diff_in_the_files_own_encoding_applies(tmp_path: Path):
    work = tmp_path / "w"
    work.mkdir()
    (work / "lat.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + LEGACY.encode() + b"s = 'caf\xe9'\n")
    (work / "ff.py").write_bytes(LEGACY.encode() + b"s = 'a\x0cb\\u2028'  # form feed\r\n\x0c\nz = 1\n")
    p = cli(".", "--diff", cwd=work)
    assert p.returncode == 0, p.stderr
    refs = {}
    for name in ("lat.py", "ff.py"):
        refs[name] = tmp_path / f"ref_{name}"
        assert run(work / name, "--out", refs[name]) == 0
    patch = subprocess.run(["patch", "-p0", "--binary", "-s"], input=p.stdout, cwd=work, capture_output=True)
    assert patch.returncode == 0, patch.stdout + patch.stderr
    for name, ref in refs.items():
        assert (work / name).read_bytes() == ref.read_bytes()


def test_links_and_leftover_temp_files_are_listed(tmp_path: Path, capsys):
    src = tmp_path / "src"
    (src / "real").mkdir(parents=True)
    (src / "real" / "m.py").write_text(LEGACY)
    os.symlink("real", src / "alias")
    os.symlink("real/m.py", src / "m_link.py")
    (src / f".m.py{fileio.TEMP_TAG}abc.tmp").write_text("half")
    out = tmp_path / "out"
    assert run(src, "--out", out) == 0
    skipped = [l for l in capsys.readouterr().err.splitlines() if l.startswith("skipped ")]
    assert len(skipped) == 3 and any("alias" in l and "not followed" in l for l in skipped)
    assert any(fileio.TEMP_TAG in l and "interrupted" in l for l in skipped)
    assert os.readlink(out / "alias") == "real" and os.readlink(out / "m_link.py") == "real/m.py"
    assert not [p for p in out.iterdir() if fileio.TEMP_TAG in p.name]


# ---------------------------------------------------------------------------------------
# 6. property test over generated legacy snippets
# ---------------------------------------------------------------------------------------

_IMPORTS = [
    "import tflearn", "import tensorflow as tf", "import numpy as np, tensorflow as tf",
    "import os, tflearn", "import os; import tensorflow as tf",
    "from tflearn.layers.core import fully_connected, dropout",
    "from tflearn.layers.conv import conv_2d, max_pool_2d",
]
_LEGACY_STMTS = {
    "tflearn": ["net = tflearn.input_data(shape=[None, 8, 8, 1])",
                "net = tflearn.conv_2d(net, {n}, 3, activation='relu')",
                "net = tflearn.max_pool_2d(net, 2)",
                "net = tflearn.fully_connected(net, {n}, activation='tanh')",
                "net = tflearn.dropout(net, 0.{n})",
                "net = tflearn.batch_normalization(net)",
                "q{n} = tflearn.utils.get_incoming_shape(net)"],
    "tensorflow": ["x{n} = tf.placeholder(tf.float32, [None, {n}])",
                   "h{n} = tf.layers.dense(x{n}, {n}, activation=tf.nn.relu)",
                   "w{n} = tf.Variable(tf.zeros([{n}, 2]))",
                   "s{n} = tf.reduce_mean(tf.square(w{n}))"],
    "from": ["net = fully_connected(net, {n})", "net = dropout(net, 0.5)"],
    "conv": ["net = conv_2d(net, {n}, 3)", "net = max_pool_2d(net, 2)"],
}
_PLAIN = ["keep_{n} = {n} * 2  # plain statement {n}, café",
          "def keep_fn_{n}(a, b={n}):\n    \"\"\"doc {n}\"\"\"\n    return a + b",
          "class Keep{n}:\n    attr = '{n}'\n\n    def m(self):\n        return self.attr",
          "if keep_flag_{n} := {n} > 3:\n    print('keep {n}')",
          "# a comment line {n} with ünïcode\nkeep_c_{n} = 'ü{n}'",
          "keep_list_{n} = [\n    {n},\n    {n} + 1,\n]"]


def _snippet(rng: random.Random) -> tuple[str, list[str]]:
    imp = rng.choice(_IMPORTS)
    pools = []
    if "tflearn" in imp and "import" in imp and "from" not in imp:
        pools.append("tflearn")
    if "tensorflow" in imp:
        pools.append("tensorflow")
    if "core import" in imp:
        pools.append("from")
    if "conv import" in imp:
        pools.append("conv")
    lines, plain = [imp], []
    if "from" in imp:
        lines.append("net = None")
    for i in range(rng.randint(2, 9)):
        if rng.random() < 0.4:
            p = rng.choice(_PLAIN).format(n=i)
            plain.append(p)
            lines.append(p)
        else:
            lines.append(rng.choice(_LEGACY_STMTS[rng.choice(pools)]).format(n=i + 1))
    return "\n".join(lines) + "\n", plain


@pytest.mark.parametrize("seed", range(30))
def test_property_generated_snippets(seed: int):
    """Output parses; a second run changes nothing; every plain (non-legacy) statement of the
    input is in the output byte for byte."""
    rng = random.Random(seed)
    src, plain = _snippet(rng)
    if rng.random() < 0.3:
        src = src.replace("\n", "\r\n")
        plain = [p.replace("\n", "\r\n") for p in plain]
    first = migrate_source(src, f"gen{seed}.py")
    assert first.status in ("migrated", "unchanged"), (src, first.reason)
    out = first.code
    compile(out, "out.py", "exec")
    for p in plain:
        assert p in out, (p, src, out)
    second = migrate_source(out, "again.py")
    assert second.code == out, (src, out, second.code)


def test_property_through_the_cli(tmp_path: Path):
    """The same generator, as files on disk with mixed encodings, through --out and --in-place."""
    rng = random.Random(1234)
    src = tmp_path / "src"
    src.mkdir()
    plains = {}
    for i in range(6):
        text, plain = _snippet(rng)
        f = src / f"g{i}.py"
        if i % 3 == 0:
            f.write_bytes(b"# -*- coding: latin-1 -*-\n" + text.encode("latin-1"))
        elif i % 3 == 1:
            f.write_bytes(text.replace("\n", "\r\n").encode())
        else:
            f.write_bytes(b"\xef\xbb\xbf" + text.encode())
        plains[f.name] = plain
    before = snapshot(src)
    assert run(src, "--out", tmp_path / "out", "--jobs", "2") in (0,)
    assert run(src, "--in-place", "--jobs", "1") == 0
    after = snapshot(src)
    for name, plain in plains.items():
        data = after[Path(name)]
        assert data == (tmp_path / "out" / name).read_bytes()  # --out and --in-place agree
        text, enc = fileio.decode(data)
        assert enc == fileio.decode(before[Path(name)])[1]  # same encoding written back
        compile(data, name, "exec")
        for p in plain:
            assert p.replace("\n", "\r\n" if b"\r\n" in before[Path(name)] else "\n") in text
    assert run(src, "--check") == 0  # second run changes nothing


@pytest.mark.xfail(strict=True, reason="engine finding (not this issue's files): a comment line right "
                   "above a statement the rewriter removes (an unused tf.placeholder, a legacy import) "
                   "goes with it; flips to XPASS-fails once the engine keeps such comments")
def test_comment_above_a_removed_statement_is_kept():
    src = "import tensorflow as tf\n# my note about x\nx = tf.placeholder(tf.float32, [None, 2])\ny = 1\n"
    assert "# my note about x" in migrate_source(src, "c.py").code
