"""TFM194: a function / class passed as an argument, the same one at every call -> written at the
parameter's calls.

The work is the engine's pre-step
(:func:`migrator.analysis.callable_params.resolve_callable_params`, run before the rule pass when
this rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class CallableParams(Rule):
    ID = "TFM194"
    TRIGGERS = ("tensorflow",)
    NAME = "callable-params"
    MESSAGE = ("a parameter called as a function, given the same module function / class / TensorFlow optimizer "
               "class at every call site -> that object at its calls; a parameter a session run reads, given the "
               "same module-level tensor at every call site -> that tensor (the same TF1 program)")
    RATIONALE = (
        "`def train_step(x1, x2, network, optimizer): opt = optimizer(learning_rate=r); o1 = network(x1, "
        "reuse=False); o2 = network(x2, reuse=True)` called with `network=self.network, optimizer="
        "self.config.optimizer`, where the one `Trainer(cnn_archi, Config())` stored `cnn_archi` and "
        "`Config.optimizer = tf.train.MomentumOptimizer`: the calls of the parameters ARE calls of those "
        "objects. Written so, the sharing analysis sees the tower builder (`cnn_archi(x1, reuse=False)`) and "
        "the optimizer rules the optimizer; the parameter, the plain arguments that carried the object and a "
        "class attribute naming a TensorFlow object that nothing reads any more go (a function other modules "
        "import keeps its signature). Followed: module-level defs and classes bound once, TensorFlow "
        "names, `self.attr` bound in `__init__` from a parameter of a class constructed once, class "
        "attributes of an instance `K()` of a class without `__init__`. The parameter must only be called, "
        "never rebound; the function only called. The second pre-step "
        "(:func:`migrator.analysis.tensor_params.resolve_tensor_params`) does the same for tensors: "
        "`def embed(sess, emb, x_ph, data): return sess.run(emb, feed_dict={x_ph: data})` called as "
        "`embed(sess, emb, x, X)` at every call runs the module's `emb` fed at its `x`; written "
        "`sess.run(emb, feed_dict={x: data})` with the two parameters and arguments gone, the TF1 program "
        "analysis sees a function running the program's tensors (it read `emb` and `x_ph` as unknown names "
        "and kept the session). Only a parameter read inside `.run(...)` / `.eval(...)` arguments or as a "
        "feed-dict key, never rebound, given at every call the same plain name bound once in the module's "
        "scope and not bound by the calling function.")
    VALID = [
        # two different networks
        "import tensorflow as tf\ndef a(x):\n    return x\ndef b(x):\n    return x\n"
        "def run(x, net):\n    return net(x)\nrun(1, a)\nrun(2, b)\nz = tf.round(q)\n",
        # the parameter is also read as a value
        "import tensorflow as tf\ndef a(x):\n    return x\n"
        "def run(x, net):\n    print(net)\n    return net(x)\nrun(1, a)\nz = tf.round(q)\n",
        # the function itself is passed around: not every use is a call
        "import tensorflow as tf\ndef a(x):\n    return x\n"
        "def run(x, net):\n    return net(x)\nrun(1, a)\ng = run\nz = tf.round(q)\n",
        # two calls hand different tensors to the run
        "import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.layers.dense(x, 2)\n"
        "z = tf.layers.dense(x, 3)\ndef embed(sess, t, data):\n    return sess.run(t, feed_dict={x: data})\n"
        "with tf.Session() as sess:\n    a = embed(sess, y, 1)\n    b = embed(sess, z, 1)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def tower(x, reuse=False):\n    return x\n"
             "def build(x1, x2, network, optimizer):\n"
             "    opt = optimizer(learning_rate=0.1)\n"
             "    return network(x1), network(x2, reuse=True), opt\n"
             "class Config(object):\n    optimizer = tf.train.AdamOptimizer\n"
             "class Trainer():\n"
             "    def __init__(self, network, config):\n        self.network = network\n        self.config = config\n"
             "    def run(self, a, b):\n"
             "        return build(a, b, network=self.network, optimizer=self.config.optimizer)\n"
             "Trainer(tower, Config()).run(p, q)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def tower(x, reuse=False):\n    return x\n"
             "def build(x1, x2):\n"
             "    opt = tf.train.AdamOptimizer(learning_rate=0.1)\n"
             "    return tower(x1), tower(x2, reuse=True), opt\n"
             "class Config(object):\n    pass\n"
             "class Trainer():\n"
             "    def __init__(self, network, config):\n        self.network = network\n        self.config = config\n"
             "    def run(self, a, b):\n"
             "        return build(a, b)\n"
             "Trainer(tower, Config()).run(p, q)\n",
             ("TFM194",), todo=True),
        Case("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.layers.dense(x, 2)\n"
             "def embed(sess, t, p, data):\n    return sess.run(t, feed_dict={p: data})\n"
             "with tf.Session() as sess:\n    e = embed(sess, y, x, 1)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "x = tf.placeholder(tf.float32, [None, 4])\ny = tf.layers.dense(x, 2)\n"
             "def embed(sess, data):\n    return sess.run(y, feed_dict={x: data})\n"
             "with tf.Session() as sess:\n    e = embed(sess, 1)\n",
             ("TFM194",), todo=True),
    ]
