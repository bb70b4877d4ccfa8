"""Issue 13 item 3 end to end through the CLI: the summary names the slowest files, plain
progress lines when stderr is not a terminal (a run of a couple of seconds or more), nothing
with --quiet; per-file seconds in --report."""
from __future__ import annotations

import json
import re

import migrator.progress as progress
from migrator.cli import main

SRC = "import tflearn\nnet = tflearn.input_data(shape=[None, {n}])\n"


def _tree(tmp_path, n=3):
    d = tmp_path / "src"
    d.mkdir()
    for i in range(n):
        (d / f"m{i}.py").write_text(SRC.format(n=i + 2), encoding="utf-8")
    return d


def test_summary_names_the_slowest_files_and_progress_lines(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(progress.Reporter, "LINES_AFTER", 0.0)   # every run counts as long
    monkeypatch.setattr(progress.Reporter, "LINES_EVERY", 0.0)
    d = _tree(tmp_path)
    report = tmp_path / "r.json"
    assert main([str(d), "--out", str(tmp_path / "out"), "--jobs", "1", "--report", str(report)]) == 0
    err = capsys.readouterr().err
    slow = [l for l in err.splitlines() if l.startswith("slowest: ")]
    assert len(slow) == 1 and len(re.findall(r"m\d\.py \d+\.\d\ds", slow[0])) == 3, err
    lines = [l for l in err.splitlines() if l.startswith("progress: ")]
    assert lines and lines[-1].startswith("progress: 3/3 files (100%)") and lines[-1].endswith("done"), err
    assert "\r" not in err  # not a terminal: no bar redrawn in place
    files = json.loads(report.read_text())["files"]
    assert len(files) == 3 and all(f["seconds"] > 0 for f in files)


def test_quiet_prints_no_progress_and_no_summary(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(progress.Reporter, "LINES_AFTER", 0.0)
    d = _tree(tmp_path, 2)
    assert main([str(d), "--out", str(tmp_path / "out"), "--jobs", "1", "-q"]) == 0
    err = capsys.readouterr().err
    assert "progress" not in err and "slowest" not in err
