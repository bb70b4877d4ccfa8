"""TFM141: tf.app.flags -> argparse. The migrated programs import only argparse/sys/csv, so they
run here (fast tier) with several command lines; absl's behaviour is what is asserted."""
from __future__ import annotations

import subprocess
import sys

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

PROGRAM = '''import json
import sys
import tensorflow as tf

flags = tf.app.flags
flags.DEFINE_integer('steps', 10, 'number of steps')
flags.DEFINE_float('lr', 0.5, 'learning rate, 50% of nothing')
flags.DEFINE_boolean('train', True, 'train first')
tf.flags.DEFINE_bool('debug', False, 'debug')
flags.DEFINE_list('sizes', '3,4, 5', 'filter sizes')
flags.DEFINE_string('name', None, 'run name')
tf.app.flags.DEFINE_enum('mode', 'a', ['a', 'b'], 'mode')
FLAGS = flags.FLAGS


def report(argv):
    print(json.dumps({"steps": FLAGS.steps, "lr": FLAGS.lr, "train": FLAGS.train, "debug": FLAGS.debug,
                      "sizes": FLAGS.sizes, "name": FLAGS.name, "mode": FLAGS.mode, "argv": argv[1:],
                      "dict": sorted(FLAGS.flag_values_dict())}))


def main(argv):
    report(argv)


if __name__ == '__main__':
    tf.app.run()
'''

MAIN_BLOCK = '''import tensorflow as tf

FLAGS = tf.app.flags.FLAGS


def main(_):
    print(FLAGS.seed, FLAGS.ckpt_path)
    return 3


if __name__ == '__main__':
    tf.app.flags.DEFINE_integer('seed', 0, '')
    tf.app.flags.DEFINE_string('ckpt_path', None, '')
    tf.app.run(main=main)
'''


def _migrate(src: str, tmp_path, fixes: bool = False):
    res = migrate_source(src, path="prog.py", options=Options(fixes=fixes))
    assert res.status != "failed", res.reason
    out = tmp_path / "prog.py"
    out.write_text(res.code)
    return res, out


def _run(path, *args):
    p = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True, timeout=60)
    return p


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    res, path = _migrate(PROGRAM, tmp_path_factory.mktemp("flags"))
    assert TODO_MARKER not in res.code
    assert "tensorflow" not in res.code
    again = migrate_source(res.code, path="prog.py", options=Options(fixes=False))
    assert again.code == res.code
    return path


def _values(path, *args):
    import json

    p = _run(path, *args)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_defaults_as_absl(program):
    v = _values(program)
    assert v == {"steps": 10, "lr": 0.5, "train": True, "debug": False, "sizes": ["3", "4", "5"],
                 "name": None, "mode": "a", "argv": [],
                 "dict": ["debug", "lr", "mode", "name", "sizes", "steps", "train"]}


def test_values_and_unknown_arguments_reach_main(program):
    v = _values(program, "--steps=7", "--lr", "0.25", "--sizes=1,2", "--name", "x", "--mode=b",
                "--unknown=1", "pos")
    assert (v["steps"], v["lr"], v["sizes"], v["name"], v["mode"]) == (7, 0.25, ["1", "2"], "x", "b")
    assert v["argv"] == ["--unknown=1", "pos"]  # TF1: FLAGS(argv, known_only=True)


@pytest.mark.parametrize("args,train,debug", [
    (["--notrain"], False, False), (["--debug"], True, True), (["--train=false"], False, False),
    (["--train=T", "--debug=1"], True, True), (["--debug=FALSE"], True, False), (["--nodebug"], True, False),
])
def test_boolean_flags_as_absl(program, args, train, debug):
    v = _values(program, *args)
    assert (v["train"], v["debug"]) == (train, debug)


def test_bad_values_are_errors(program):
    assert _run(program, "--train=maybe").returncode != 0
    assert _run(program, "--steps=x").returncode != 0
    assert _run(program, "--mode=c").returncode != 0


def test_help_with_percent(program):
    p = _run(program, "--help")
    assert p.returncode == 0 and "50% of nothing" in p.stdout


def test_flags_defined_under_main_and_exit_status(tmp_path):
    res, path = _migrate(MAIN_BLOCK, tmp_path)
    assert TODO_MARKER not in res.code
    p = _run(path, "--seed", "4")
    assert p.stdout.split() == ["4", "None"]
    assert p.returncode == 3  # tf.app.run: sys.exit(main(argv))


def test_module_level_read_parses_after_last_define(tmp_path):
    src = ("import tensorflow as tf\ntf.app.flags.DEFINE_integer('n', 2, '')\nFLAGS = tf.app.flags.FLAGS\n"
           "N = FLAGS.n * 2\nprint(N)\n")
    res, path = _migrate(src, tmp_path)
    assert TODO_MARKER not in res.code
    p = _run(path, "--n=5")
    assert p.returncode == 0 and p.stdout.strip() == "10"


@pytest.mark.parametrize("src,why", [
    ("import tensorflow as tf\nFLAGS = tf.app.flags.FLAGS\nprint(FLAGS.lr)\n", "not defined in this file"),
    ("import tensorflow as tf\ntf.app.flags.DEFINE_multi_string('x', [], '')\n", "DEFINE_multi_string"),
    ("import tensorflow as tf\ntf.app.flags.DEFINE_integer('x', 1, '')\nFLAGS = tf.app.flags.FLAGS\n"
     "FLAGS(['p', '--x=2'])\n", "FlagValues"),
])
def test_untranslatable_files_keep_every_flag(src, why, tmp_path):
    res = migrate_source(src, path="prog.py", options=Options(fixes=False))
    assert "TFM141" in res.code and why in res.code
    assert "FLAGS_PARSER" not in res.code  # nothing half-translated


def test_run_with_argparse_leftovers_and_no_tf_flags(tmp_path):
    # the TF tutorials' pattern: argparse parses first, tf.app.run gets the rest
    src = ("import argparse\nimport sys\nimport tensorflow as tf\n\n\ndef main(argv):\n    print(FLAGS.n, argv[1:])\n\n\n"
           "if __name__ == '__main__':\n    parser = argparse.ArgumentParser()\n"
           "    parser.add_argument('--n', type=int, default=1)\n    FLAGS, unparsed = parser.parse_known_args()\n"
           "    tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)\n")
    res, path = _migrate(src, tmp_path)
    assert TODO_MARKER not in res.code and "FLAGS_PARSER" not in res.code
    assert "sys.exit(main([sys.argv[0]] + unparsed))" in res.code
    p = _run(path, "--n=3", "x")
    assert p.returncode == 0 and p.stdout.strip() == "3 ['x']"
