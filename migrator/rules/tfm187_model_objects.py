"""TFM187: a model object of one instance built by a method call -> written out as module code.

The work is the engine's pre-step (:func:`migrator.analysis.model_objects.inline_model_objects`,
run before the rule pass when this rule is enabled). This class carries the rule's identity and
examples.
"""
from __future__ import annotations

from .base import Case, Rule


class ModelObjects(Rule):
    ID = "TFM187"
    TRIGGERS = ("self.",)
    NAME = "model-objects"
    MESSAGE = ("a model object of one instance built by a method call (`net = Net()`, `net.build(x)` setting "
               "`self.<tensor>` attributes through helper methods) -> the helpers as module functions "
               "`net_<method>`, the build method's statements at its call, `net.<attr>` as `net_<attr>` (the "
               "same TF1 program)")
    RATIONALE = (
        "The VGG-npy class (`vgg16.py` and the repositories built on it) keeps an optional pretrained dict, a "
        "trainable flag and a `var_dict` in its constructor; `build(x)` - often called inside `with tf.Session() "
        "as sess:` - sets the tower's tensors as attributes through helper methods (`conv_layer` -> "
        "`get_conv_var` -> `get_var`), and the session fetches them (`sess.run(net.semi_loss, feed)`). The "
        "object carries Python values from the constructor to the methods and the graph tensors build makes "
        "to the code after it; the session rules read a module-level program of named tensors. Where the "
        "class has one instance, a constructor storing only literals and empty containers (its `if` tests "
        "decided by the arguments), methods that store attributes called only as statements of the block "
        "that made the object, and every later read of the object an attribute or a method call, the helper "
        "methods become module functions `<obj>_<method>` (`self.<attr>` read as the constructor's value - "
        "their `if self.data_dict is not None and ...` tests folded - or as `<obj>_<attr>`), the storing "
        "method's statements are written at its call (`self.<attr> = e` -> `<obj>_<attr> = e`; a local the "
        "module binds elsewhere renamed `<obj>_<local>`), and `<obj>.<attr>` reads become `<obj>_<attr>`: the "
        "same ops, made in the same order, with the same variables. Built inside a function (`def main():` "
        "under the main guard, `main(_)` run by `tf.app.run()`, a `train()` such a main calls), the storing "
        "method's statements go into the function, and an empty container the helpers fill "
        "(`self.var_dict[(name, idx)] = var`) is made once at module level beside them: the same object while "
        "the function runs at most once (run twice or in a loop, TF1 made one per call: declined). "
        "Declined where the constructor computes "
        "anything (placeholders, variables, a session: the class rules' form, TFM144 / TFM156), where a "
        "storing method is called by another method or returns anywhere but at its end (a final `return "
        "self.embedding` of `emb = net.build(x)` is `emb = net_embedding`), or where the object is read before "
        "it is built or handed on whole. A class whose methods only RETURN what they build (no tensor attribute "
        "stored; one of them builds the train op: `total_loss, train_step, out = net.train(x)`, the step run by "
        "the session outside) becomes its methods as module functions the same way, the object's reads "
        "`net.<m>(...)` -> `net_<m>(...)`; a constructor argument that is a dict display of literals bound "
        "once in the block and otherwise only read (`params = {'init_lr': 1e-3, ...}`, never changed or handed "
        "elsewhere) is read through: `params.get('init_lr', 1e-4)` is 1e-3, and `if self._data_format != "
        "'NHWC': sys.exit(...)` is decided.")
    VALID = [
        # two instances: not written out
        "import tensorflow as tf\nclass N:\n    def __init__(self, k=2.0):\n        self.k = k\n"
        "    def build(self, x):\n        self.out = x * self.k\n"
        "a = N()\nb = N()\na.build(x)\nb.build(x)\ny = tf.py_func(f, [a.out], tf.float32)\n",
    ]
    VALID += [
        # returning methods, none building a train op: towers and losses are the class rules' (TFM144)
        "import tensorflow as tf\nclass N:\n    def __init__(self, k=2.0):\n        self.k = k\n"
        "    def tower(self, x):\n        return tf.layers.dense(x, 4) * self.k\n"
        "net = N()\na = net.tower(x1)\n",
        # the params dict is changed after it is made
        "import tensorflow as tf\nclass N:\n    def __init__(self, p):\n        self.lr = p.get('lr', 0.1)\n"
        "    def train(self, loss):\n        return tf.train.AdamOptimizer(self.lr).minimize(loss)\n"
        "p = {'lr': 0.01}\np['lr'] = 0.5\nnet = N(p)\nstep = net.train(loss)\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nclass N:\n    def __init__(self, p):\n        self.lr = p.get('lr', 0.1)\n"
             "    def train(self, loss):\n        return tf.train.AdamOptimizer(self.lr).minimize(loss)\n"
             "p = {'lr': 0.01}\nnet = N(p)\nstep = net.train(loss)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def net_train(loss):\n    return tf.train.AdamOptimizer(0.01).minimize(loss)\n"
             "p = {'lr': 0.01}\nstep = net_train(loss)\n",
             ("TFM187",), todo=True),
        Case("import tensorflow as tf\nclass N:\n    def __init__(self, path=None, k=2.0):\n"
             "        if path is not None:\n            self.table = load(path)\n        else:\n"
             "            self.table = None\n        self.k = k\n"
             "    def build(self, x):\n        self.out = self.scale(x)\n"
             "    def scale(self, x):\n        if self.table is not None:\n            return x * self.table\n"
             "        return x * self.k\n"
             "net = N()\nnet.build(x)\ny = tf.py_func(f, [net.out], tf.float32)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def net_scale(x):\n    return x * 2.0\n"
             "net_out = net_scale(x)\n"
             "y = tf.py_func(f, [net_out], tf.float32)\n",
             ("TFM187",), todo=True),
        # built in main(), run once: the container the helper fills is made at module level
        Case("import tensorflow as tf\nclass N:\n    def __init__(self):\n        self.store = {}\n"
             "    def build(self, x):\n        self.out = self.layer(x, 'a')\n"
             "    def layer(self, x, name):\n        self.store[name] = x\n        return x * 2.0\n"
             "def main():\n    net = N()\n    net.build(x)\n"
             "    print(tf.py_func(f, [net.out], tf.float32), len(net.store))\nmain()\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "net_store = {}\n\n\ndef net_layer(x, name):\n    net_store[name] = x\n    return x * 2.0\n"
             "def main():\n    net_out = net_layer(x, 'a')\n"
             "    print(tf.py_func(f, [net_out], tf.float32), len(net_store))\nmain()\n",
             ("TFM187",), todo=True),
    ]
