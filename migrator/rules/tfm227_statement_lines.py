"""TFM227: statements joined on one line by ``;`` -> one statement per line.

The work is the engine's pre-step
(:func:`migrator.analysis.statement_lines.split_statement_lines`, run before the rule pass when
this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class StatementLines(Rule):
    ID = "TFM227"
    TRIGGERS = (";",)
    NAME = "statement-lines"
    MESSAGE = ("statements joined on one line by `;` written one per line (`x1 = tf.placeholder(..); x2 = "
               "tf.placeholder(..)`; the same program)")
    RATIONALE = (
        "Python runs `a = f(); b = g()` exactly as two lines. The TF1 program translation reads a line as one "
        "statement (the placeholder it binds, the session run it makes), so a line of several placeholders or "
        "a run joined with a print kept the whole program TF1 (`tf.placeholder` left in a Keras 3 file). "
        "Written one per line, the first keeping the comments above, the last the trailing comment. Only in "
        "files importing TensorFlow or tflearn; a one-line block body (`if c: a; b`) is left as written.")
    VALID = [
        # no TensorFlow / tflearn import
        "import numpy as np\na = np.zeros(3); b = np.ones(3)\n",
        # a one-line block body
        "import tensorflow as tf\nif flag: a = tf.square(x); b = 2\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "# sizes\n"
             "a = tf.square(x); b = tf.sqrt(x)  # both\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "# sizes\n"
             "a = tf.square(x)\n"
             "b = tf.sqrt(x)  # both\n",
             ("TFM227",), todo=True),
    ]
