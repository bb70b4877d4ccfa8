"""TFM216: the TF1 graph written to a file for inspection -> removed.

The work is the engine's pre-step (:func:`migrator.analysis.graph_dumps.drop_graph_dumps`, run
before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from .base import Case, Rule


class GraphDumps(Rule):
    ID = "TFM216"
    TRIGGERS = ("graph_def", "write_graph")
    NAME = "graph-dumps"
    MESSAGE = ("the TF1 graph definition written to a file (tf.train.write_graph, str(graph_def) written by "
               "open / GFile) removed: a Keras program has no GraphDef")
    RATIONALE = (
        "The text-CNN tutorials' train() (dennybritz/cnn-text-classification-tf and the forks that keep its "
        "harness) write the GraphDef protocol buffer next to the checkpoints: `graph_def = "
        "tf.get_default_graph().as_graph_def()` + `with open(path, 'w') as f: f.write(str(graph_def))`, or "
        "`tf.train.write_graph(sess.graph_def, dir, 'graph.pbtxt')`. The file is for TensorBoard and graph "
        "tools; nothing the program computes reads it, and the migrated Keras program has no TF1 graph to "
        "write. Like TensorBoard's summaries (TFM142) the statements go: an expression statement "
        "`tf.train.write_graph(G, ..)`, a `with open(p, 'w') as f:` whose only statement is `f.write(str(G))` "
        "/ `f.write(G.SerializeToString())`, and `name = G` when every read of name is in those. G: "
        "`tf.get_default_graph()` (`.as_graph_def()`), `S.graph` / `S.graph_def` / `S.graph.as_graph_def()` "
        "of a name bound only to tf.Session. Declined: other arguments making calls (besides os.path "
        "functions, str, format), the file object read after the block, the graph name bound twice or read "
        "elsewhere - TFM100 keeps those with a TODO.")
    VALID = [
        # the graph definition is also read by the program (its node count printed)
        "import tensorflow as tf\ngd = tf.get_default_graph().as_graph_def()\nprint(len(gd.node))\n"
        "tf.train.write_graph(gd, 'logs', 'g.pbtxt')\n",
        # a graph of another object, not a session's
        "import tensorflow as tf\ntf.train.write_graph(other.graph_def, 'logs', 'g.pbtxt')\n",
    ]
    INVALID = [
        Case("import os\nimport tensorflow as tf\n\n\ndef dump(out):\n    sess = tf.Session()\n"
             "    graph_def = tf.get_default_graph().as_graph_def()\n"
             "    with open(os.path.join(out, 'graph.txt'), 'w') as f:\n        f.write(str(graph_def))\n"
             "    tf.train.write_graph(sess.graph_def, out, 'graph.pbtxt', as_text=True)\n    return out\n",
             "import os\nimport tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines "
             "below\n\n\ndef dump(out):\n    sess = tf.Session()\n    return out\n",
             ("TFM216",), todo=True),
    ]
