"""``--format`` / ``--formatter`` and ``format`` / ``formatter`` in [tool.tflearn-migrate]: the
user's formatter over each migrated file, with its own settings; a failure loses nothing."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from migrator import formatting
from migrator.cli import main
from migrator.options import Options
from migrator.runner import migrate_bytes

SRC = "import tflearn\nnet = tflearn.input_data(shape=[None, 4])\nnet = tflearn.dropout(net, 0.5)\nsizes   =  [1,2]\n"


def run(*args) -> int:
    return main([str(a) for a in args])


def test_format_runs_ruff_over_the_migrated_file(tmp_path: Path):
    f = tmp_path / "a.py"
    f.write_text(SRC)
    assert run(f, "--out", tmp_path / "plain.py", "-q") == 0
    assert "sizes   =  [1,2]" in (tmp_path / "plain.py").read_text()  # the user's line, as written
    assert run(f, "--out", tmp_path / "formatted.py", "--format", "--formatter", "ruff", "-q") == 0
    text = (tmp_path / "formatted.py").read_text()
    assert "sizes = [1, 2]" in text and "keras.layers.Dropout(0.5)" in text
    # the project's own settings: ruff reads the pyproject.toml of the file's directory
    (tmp_path / "pyproject.toml").write_text("[tool.ruff.format]\nquote-style = 'single'\n")
    f.write_text(SRC + 'name = "x"\n')
    assert run(f, "--out", tmp_path / "single.py", "--format", "-q") == 0
    assert "name = 'x'" in (tmp_path / "single.py").read_text()


def test_unchanged_files_are_not_reformatted(tmp_path: Path):
    f = tmp_path / "plain.py"
    f.write_text("x   =  1\n")
    assert run(f, "--in-place", "--format", "-q") == 0
    assert f.read_text() == "x   =  1\n"


def test_a_formatter_failure_keeps_the_migration_and_warns():
    fail = (sys.executable, "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)")
    res, new = migrate_bytes(SRC.encode(), "a.py", Options(format_cmd=fail))
    plain, expected = migrate_bytes(SRC.encode(), "a.py", Options())
    assert new == expected  # the unformatted migration, nothing lost
    warn = [d for d in res.diagnostics if d.rule == formatting.FORMAT_ID]
    assert len(warn) == 1 and "exit 3" in warn[0].message and "boom" in warn[0].message


def test_config_keys_and_errors(tmp_path: Path, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.tflearn-migrate]\nformat = true\nformatter = 'ruff'\n")
    f = tmp_path / "a.py"
    f.write_text(SRC)
    assert run(f, "--out", tmp_path / "o.py", "-q") == 0
    assert "sizes = [1, 2]" in (tmp_path / "o.py").read_text()
    (tmp_path / "pyproject.toml").write_text("[tool.tflearn-migrate]\nformatter = 'yapf'\n")
    assert run(f, "--out", tmp_path / "o2.py", "-q") == 2
    assert "formatter must be" in capsys.readouterr().err


def test_a_missing_formatter_is_a_usage_error(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(formatting.shutil, "which", lambda name: None)
    monkeypatch.setattr(formatting.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(formatting.FormatterNotFound):
        formatting.resolve("auto")
    f = tmp_path / "a.py"
    f.write_text(SRC)
    assert run(f, "--out", tmp_path / "o.py", "--format", "--formatter", "black") == 2
    assert "black is not installed" in capsys.readouterr().err
    assert not (tmp_path / "o.py").exists()
