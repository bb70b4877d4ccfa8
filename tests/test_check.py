"""migrator.check.legacy_refs_outside_todo: what legacy code is left unmarked."""
from __future__ import annotations

import sys
import subprocess
from pathlib import Path

from migrator.check import legacy_refs_outside_todo as refs

M = "# TODO(tflearn-migrate): TFM100 kept"


def test_plain_imports_and_uses_are_found():
    src = "import tflearn\nimport numpy as np\nx = tflearn.conv_2d(a, 3)\ny = np.zeros(3)\n"
    assert refs(src) == [(1, "tflearn"), (3, "tflearn.conv_2d")]


def test_aliases_and_from_imports():
    src = ("import tensorflow as tf\nfrom tflearn.layers.conv import conv_2d as c\n"
           "z = c(tf.zeros([2]), 3)\n")
    assert refs(src) == [(1, "tensorflow"), (2, "tflearn.layers.conv"),
                         (3, "tensorflow.zeros"), (3, "tflearn.layers.conv.conv_2d")]


def test_star_import_exports():
    src = "from tflearn import *\nnet = input_data([None, 3])\nother = keras_thing(3)\n"
    assert refs(src) == [(1, "tflearn"), (2, "tflearn.input_data")]


def test_trailing_and_leading_markers_hide_a_statement():
    src = (f"import tflearn  {M}\nx = tflearn.conv_2d(a, 3)  {M}\n"
           f"{M}\ny = tflearn.fully_connected(x, 3)\nz = tflearn.dropout(y, 0.5)\n")
    assert refs(src) == [(5, "tflearn.dropout")]


def test_compound_statement_marks_only_its_header():
    src = ("import tensorflow as tf  " + M + "\n"
           "with tf.Session() as s:  " + M + "\n"
           "    s.run(tf.global_variables_initializer())\n")
    assert refs(src) == [(3, "tensorflow.global_variables_initializer")]


def test_rebinding_and_keyword_names_are_not_references():
    src = "import keras\nconv_2d = 3\nkeras.layers.Dense(units=3, tflearn=1)\n"
    assert refs(src) == []
    assert refs("from tflearn import conv_2d\nconv_2d = 3\n") == [(1, "tflearn")]


def test_roots_restrict_the_check():
    src = "import tensorflow as tf\nimport tflearn\nx = tf.zeros(3)\n"
    assert refs(src, roots=("tflearn",)) == [(2, "tflearn")]


def test_check_module_does_not_import_tensorflow():
    code = ("import sys, migrator.check as c; c.legacy_refs_outside_todo('import tflearn\\n');"
            "assert not any(m.split('.')[0] in ('tensorflow', 'keras', 'tflearn') for m in sys.modules)")
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root,
                   env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
