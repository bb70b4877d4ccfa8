"""TFM195: a keyword dict of literals handed to a module function as an argument, the same one at
every call -> its keywords written at the ``**`` uses, the ``if`` on it decided.

The work is the engine's pre-step
(:func:`migrator.analysis.callable_params.resolve_dict_params`, run before the rule pass when this
rule is enabled). This class carries the rule's identity and examples.
"""
from __future__ import annotations

from .base import Case, Rule


class DictParams(Rule):
    ID = "TFM195"
    TRIGGERS = ("**",)
    NAME = "dict-params"
    MESSAGE = ("a parameter given the same dict of literals at every call site, read only as `**param` and by "
               "`if param is None` / `if param` tests -> the keywords at its calls, the tests decided "
               "(the same TF1 program)")
    RATIONALE = (
        "`def train_step(loss, rate, optimizer_kwargs): if optimizer_kwargs is None: opt = "
        "tf.train.MomentumOptimizer(learning_rate=rate) else: opt = tf.train.MomentumOptimizer(learning_rate="
        "rate, **optimizer_kwargs)` called with `optimizer_kwargs=self.config.optimizer_kwargs`, where the one "
        "`Config()` holds the class attribute `optimizer_kwargs = {'momentum': 0.9}`: when TF1 builds the graph "
        "the test is False and the call receives `momentum=0.9`. Written so, the optimizer rule sees the "
        "keywords (it cannot translate `**kwargs`, and the other branch misses `momentum`). Followed like "
        "TFM194's objects: a dict display at the call, a module-level name bound once to one, `self.attr` "
        "bound in `__init__` from a parameter of a class constructed once, a class attribute of `K()` of a "
        "class without `__init__`; keys identifier strings, values literals; the carrying attribute / name "
        "read nowhere else in the file (nothing may mutate the dict) and no getattr / setattr / __dict__. "
        "Declined: a keyword the call also passes (TypeError in TF1), another read of the parameter, a "
        "`**` of it left where the value is None.")
    VALID = [
        # the parameter is read as a value too
        "import tensorflow as tf\ndef step(rate, extra):\n    print(extra)\n"
        "    return tf.train.AdamOptimizer(rate, **extra)\nstep(0.1, {'beta1': 0.8})\n",
        # two calls, two different dicts
        "import tensorflow as tf\ndef step(rate, extra):\n    return tf.train.AdamOptimizer(rate, **extra)\n"
        "step(0.1, {'beta1': 0.8})\nstep(0.1, {'beta1': 0.7})\n",
        # the dict is mutated elsewhere (its name is read besides the call)
        "import tensorflow as tf\nEXTRA = {'beta1': 0.8}\nEXTRA['beta2'] = 0.99\n"
        "def step(rate, extra):\n    return tf.train.AdamOptimizer(rate, **extra)\nstep(0.1, EXTRA)\n",
        # the call passes the key too: TypeError in TF1
        "import tensorflow as tf\ndef step(rate, extra):\n    return tf.train.AdamOptimizer(rate, beta1=0.9, **extra)\n"
        "step(0.1, {'beta1': 0.8})\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\n"
             "def step(loss, rate, extra):\n"
             "    if extra is None:\n"
             "        opt = tf.train.AdamOptimizer(rate)\n"
             "    else:\n"
             "        opt = tf.train.AdamOptimizer(rate, **extra)\n"
             "    return opt.minimize(loss)\n"
             "class Conf(object):\n"
             "    extra = {\"beta1\": 0.8}\n"
             "train_op = step(total, 0.1, Conf().extra)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "def step(loss, rate):\n"
             "    opt = tf.train.AdamOptimizer(rate, beta1=0.8)\n"
             "    return opt.minimize(loss)\n"
             "class Conf(object):\n"
             "    extra = {\"beta1\": 0.8}\n"
             "train_op = step(total, 0.1)\n",
             ("TFM195",), todo=True),
    ]
