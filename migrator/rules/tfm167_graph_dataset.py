"""TFM167: graph-mode ``tf.data`` input programs (one-shot / initializable iterators, towers on
``get_next()``, runs without feeds, ``OutOfRangeError`` loops) -> a placeholder program fed batch by
batch from the same pipeline (translated by TFM140 / TFM205 ...), the pipeline -> the NumPy
``TF1Dataset`` helper.

Two parts:

* the engine calls :func:`migrator.analysis.graph_datasets.desugar` before the rule pass (only
  when this rule is enabled and the file names ``get_next``): the equivalent placeholder program
  is migrated, and kept when it leaves fewer TODO markers than the program as written;
* this rule, in the rule pass: ``iter(tf.data.Dataset.from_tensor_slices(T).batch(b)...)`` (what
  the desugaring writes, also valid eager TF2 code) -> ``iter(TF1Dataset.from_tensor_slices(T)...)``;
  and, in a program whose iterator stays (the desugaring declined, or its result did not
  translate), a TODO on the ``get_next()`` statement saying why.
"""
from __future__ import annotations

import libcst as cst

from ..analysis.graph_datasets import GraphDatasets, loader_pipelines, seeded_file
from ..helpers import register_source
from .base import Case, Rule
from ..translate.tf1_helpers import FROM_SLICES, TF1_DATASET

_METHODS = {"repeat": 1, "batch": 2, "prefetch": 1, "shuffle": 1, "map": 2}

TF1_SHUFFLE = register_source("tf1_programs", "tf1_shuffle", requires=("TF1Dataset",))
TF1_MAP = register_source("tf1_programs", "tf1_map", requires=("TF1Dataset",))


class _Program:
    """``ctx.analysis``: the iterator program of the file as written (None when there is none)."""

    def __init__(self, ctx) -> None:
        self.found = GraphDatasets(ctx.module).found if "get_next" in ctx.module_code else None


def _chain_source(ctx, node: cst.BaseExpression) -> cst.Call | None:
    """The ``from_tensor_slices(T)`` call at the root of ``T.m1(...).m2(...)`` (supported methods only)."""
    n = node
    while isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in _METHODS:
        m = n.func.attr.value
        if any(a.star for a in n.args) or len(n.args) > _METHODS[m]:
            return None
        if m == "batch" and any(a.keyword is not None and a.keyword.value not in ("batch_size", "drop_remainder")
                                for a in n.args):
            return None
        if m == "shuffle" and (len(n.args) != 1 or (n.args[0].keyword is not None
                                                     and n.args[0].keyword.value != "buffer_size")):
            return None
        if m == "map" and (not n.args or n.args[0].keyword is not None
                           or any(a.keyword is not None and a.keyword.value not in ("num_parallel_calls",)
                                  for a in n.args)):
            return None  # Dataset.map(fn[, num_parallel_calls]): TF kept the order (deterministic)
        if m not in ("batch", "shuffle", "map") and any(a.keyword is not None for a in n.args):
            return None
        n = n.func.value
    if isinstance(n, cst.Call) and ctx.legacy_name(n.func) == FROM_SLICES and len(n.args) == 1 \
            and n.args[0].keyword is None and not n.args[0].star:
        return n
    return None


def _root_to_helper(node: cst.BaseExpression) -> cst.BaseExpression:
    """The same chain with its root call's function replaced by ``TF1Dataset.from_tensor_slices``
    and ``.shuffle(n)`` by ``tf1_shuffle(..., n)``."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "shuffle" \
            and isinstance(node.func.value, cst.Call):
        inner = _root_to_helper(node.func.value)
        return cst.Call(func=cst.Name("tf1_shuffle"), args=[
            cst.Arg(inner, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            node.args[0].with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, comma=cst.MaybeSentinel.DEFAULT)])
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "map" \
            and isinstance(node.func.value, cst.Call):
        inner = _root_to_helper(node.func.value)
        return cst.Call(func=cst.Name("tf1_map"), args=[
            cst.Arg(inner, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            node.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)])
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in _METHODS \
            and isinstance(node.func.value, cst.Call):
        return node.with_changes(func=node.func.with_changes(value=_root_to_helper(node.func.value)))
    return node.with_changes(func=cst.parse_expression("TF1Dataset.from_tensor_slices"))


def _chain_calls(node: cst.BaseExpression) -> list[cst.Call]:
    out = []
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        out.append(node)
        node = node.func.value
    return out


class _Loaders:
    """``ctx.analysis``: ids of the pipelines only iterated by ``iter`` through a name / a function's return."""

    def __init__(self, ctx) -> None:
        self.ids = {id(x) for x in loader_pipelines(ctx.module)} if "iter(" in ctx.module_code else set()


class GraphDataset(Rule):
    ID = "TFM167"
    TRIGGERS = ("tensorflow",)
    NAME = "graph-dataset"
    MESSAGE = ("graph-mode tf.data iterator program -> placeholder program fed batch by batch; "
               "iter(from_tensor_slices(...).batch(...)) -> TF1Dataset helper")
    RATIONALE = (
        "In TF1 every Session.run that needs the iterator's get_next() tensors without feeding them pulls ONE "
        "element of the pipeline (all of its components, once per run), the end of the data raises OutOfRangeError "
        "from that run before anything of it runs, and an initializable iterator's initializer rebuilds the "
        "pipeline from the arrays fed to its placeholders. The same program written with placeholders: get_next()'s "
        "targets become placeholders of the element's dtype and batched shape, the iterator `iter(<the same "
        "pipeline over the arrays>)` (rebuilt where the initializer ran), each consuming run `<it>_next = "
        "next(<it>)` + a feed of the components it reads, `except tf.errors.OutOfRangeError` -> `except "
        "StopIteration` (raised by next() at the same point). That program is what TFM140 translates (Keras model "
        "with inputs where get_next() was, train_on_batch per batch in the same order). The pipeline "
        "(from_tensor_slices, batch(batch_size, drop_remainder), repeat, prefetch) becomes the NumPy TF1Dataset "
        "helper: same batches, same order, partial last batch kept. An unseeded Dataset.shuffle(n) (no graph seed "
        "in the file) -> tf1_shuffle (TF's buffer algorithm on NumPy's RNG; reported: TF1's order differed from run "
        "to run, so does this one from TF1's). Under a graph / global seed -> tf1_shuffle too, reported: "
        "its order is fixed from run to run as TF1's was, but not TF1's. Not translated (TODO with the reason): "
        "Dataset.shuffle(seed=...) / reshuffle_each_iteration, zip / interleave / from_generator / TFRecord "
        "pipelines, several "
        "iterators (train / test), feedable (string-handle) iterators whose element the graph reads, runs reading "
        "the iterator inside functions "
        "or twice in one statement. TF1 queue runners over in-memory tensors (slice_input_producer + shuffle_batch / "
        "batch, Coordinator + start_queue_runners) are first written as the same tf.data pipeline "
        "(analysis/queue_inputs.py: a new permutation per epoch, then a min_after_dequeue shuffle buffer); their "
        "shuffles -> tf1_shuffle even under a graph seed, reported: TF1's queue threads gave another batch order on "
        "every run (measured: 5 distinct orders in 6 runs with the same seeds). A DATA LOADER - a one-shot "
        "iterator whose get_next() value is only fetched (`b = sess.run(next_element)`) and fed back into "
        "placeholders, nothing in the graph reading it - is written `it = iter(<dataset>)` + `next(it)` "
        "(analysis/graph_datasets.fetched_batches); the same loader made by an INITIALIZABLE iterator over "
        "placeholders (from_tensor_slices((ph, ...)), each `sess.run(it.initializer, feed_dict={ph: X, ...})` a "
        "statement feeding exactly those placeholders) is written `it = iter(<dataset on X, ... converted to the "
        "placeholders' dtypes>)` at each initializer run, the placeholders, dataset and iterator statements gone "
        "(fetched_initializable_batches); the same loader behind a FEEDABLE iterator "
        "(`tf.data.Iterator.from_string_handle(handle, types)`, `h = sess.run(it.string_handle())` per one-shot "
        "iterator, each `sess.run(next_element, feed_dict={handle: h})` the next element of the iterator h names) "
        "is written `it = iter(<dataset>)`, `h = it`, `next(h)` (fetched_handle_batches); a dataset built by "
        "rebinding one name (`d = d.shuffle(n)` / `d = d.batch(b)`, read by nothing else) is the one chain; "
        "a pipeline only ever iterated so (bound to a name, or returned "
        "by a file function every call of which is iterated) becomes the helper pipeline where it is built. "
        "Dataset.map(fn[, num_parallel_calls]) -> tf1_map (fn applied to each element, its tuple's components as "
        "the arguments, as TF called it; TF kept the order with parallel calls).")
    ORDER = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if id(original) in self.ctx.analysis(_Loaders).ids and _chain_source(self.ctx, original) is not None:
            # a pipeline bound to a name / returned by a function, only ever iterated by iter()
            new = self._pipeline(original, updated)
            return updated if new is None else new
        if not (isinstance(original.func, cst.Name) and original.func.value == "iter" and len(original.args) == 1
                and original.args[0].keyword is None and not original.args[0].star):
            return updated
        src = _chain_source(self.ctx, original.args[0].value)
        if src is None:
            return updated
        new = self._pipeline(original.args[0].value, updated.args[0].value)
        return updated if new is None else updated.with_changes(args=[updated.args[0].with_changes(value=new)])

    def _pipeline(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression | None:
        """The helper pipeline for ``original`` (None: kept, with a TODO)."""
        if any(n.func.attr.value == "map" for n in _chain_calls(original)):
            self.ctx.use_helper("tf1_map")
        shuffles = [n for n in _chain_calls(original) if n.func.attr.value == "shuffle"]
        if shuffles:
            if getattr(self.ctx, "queue_origin", False):  # TF1 queue runners (analysis/queue_inputs.py)
                self.ctx.use_helper("tf1_shuffle")
                self.ctx.report(original, self, "TF1 queue runners' shuffles -> tf1_shuffle (NumPy's global RNG): "
                                "TF1's batch order came from queue threads and differed from run to run even "
                                "with seeds; this one differs from TF1's")
            elif seeded_file(self.ctx.module, self.ctx.legacy_name):
                self.ctx.use_helper("tf1_shuffle")
                self.ctx.report(original, self, "Dataset.shuffle under a graph / global seed -> tf1_shuffle (NumPy's "
                                "global RNG, which the migrated keras.utils.set_random_seed seeds): the order is the "
                                "same from run to run, as TF1's was, but it is not TF1's order (TF's shuffle "
                                "kernel is not reproduced; the initial weights differ from TF1's too)")
            else:
                self.ctx.use_helper("tf1_shuffle")
                self.ctx.report(original, self, "Dataset.shuffle without a seed -> tf1_shuffle (NumPy's global RNG): "
                                "TF1's order differed from run to run, this one differs from TF1's")
        self.ctx.use_helper("TF1Dataset")
        self.ctx.count(self)
        return _root_to_helper(updated)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        found = self.ctx.analysis(_Program).found
        if found is None or found.anchor is not node:
            return
        why = found.reason or ("the program built on the iterator's tensors does not translate as a placeholder "
                               "program (see the TODOs of the desugared form)")
        self.ctx.todo(node, self, f"tf.data iterator `{found.iterator}` kept: {why}")

    VALID = [
        # an iterator over an unbatched dataset stays (no Keras input for single rows)
        "import keras\nds = iter([1, 2])\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nit = iter(tf.data.Dataset.from_tensor_slices((x, y)).batch(64))\n",
             "import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: TF1Dataset\n" + TF1_DATASET.code
             + "\n\nit = iter(TF1Dataset.from_tensor_slices((x, y)).batch(64))\n"),
        # unseeded shuffle (eager, or what the desugaring writes): NumPy's shuffle buffer, reported
        Case("import tensorflow as tf\nit = iter(tf.data.Dataset.from_tensor_slices(x).shuffle(100).batch(8))\n",
             "import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: TF1Dataset\n" + TF1_DATASET.code
             + "\n\n# tflearn-migrate helper: tf1_shuffle\n" + TF1_SHUFFLE.code
             + "\n\nit = iter(tf1_shuffle(TF1Dataset.from_tensor_slices(x), 100).batch(8))\n",
             diagnostics=("TFM167",)),
        # seeded shuffle: TF1's order cannot be reproduced -> the iterator stays, with the reason
        Case("import tensorflow as tf\nd = tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(100, seed=1).batch(8)\n"
             "it = d.make_one_shot_iterator()\nx, y = it.get_next()\n"
             "out = tf.layers.dense(x, 1)\nloss = tf.reduce_mean(tf.square(out - y))\n"
             "op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
             "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
             "    for i in range(10):\n        sess.run(op)\n",
             None, diagnostics=("TFM167",), todo=True),
        # TF1 queue runners (analysis/queue_inputs.py): the same pipeline as a tf.data program,
        # then its placeholder form; the queues' order came from threads (not reproduced, reported)
        Case("import tensorflow as tf\n"
             "x_q, y_q = tf.train.slice_input_producer([tf.constant(X), tf.constant(Y)], seed=1)\n"
             "x, y = tf.train.shuffle_batch([x_q, y_q], batch_size=8, capacity=200, min_after_dequeue=100, seed=1)\n"
             "out = tf.layers.dense(x, 1)\nloss = tf.reduce_mean(tf.square(out - y))\n"
             "op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
             "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
             "    coord = tf.train.Coordinator()\n"
             "    threads = tf.train.start_queue_runners(sess=sess, coord=coord)\n"
             "    for i in range(10):\n        sess.run(op)\n"
             "    coord.request_stop()\n    coord.join(threads)\n",
             "import keras\nimport numpy as np\n\n\n# tflearn-migrate helper: TF1Dataset\n" + TF1_DATASET.code
             + "\n\n# tflearn-migrate helper: tf1_shuffle\n" + TF1_SHUFFLE.code + "\n\n"
             "iterator = iter(tf1_shuffle(tf1_shuffle(TF1Dataset.from_tensor_slices((X, Y)), len(X)).repeat(), 100)"
             ".batch(8))\n"
             "x = keras.Input(shape=tuple((None,) + tuple(X.shape[1:]))[1:], dtype=X.dtype)\n"
             "out = keras.layers.Dense(1)(x)\ndef loss(y, out):\n    return keras.ops.mean(keras.ops.square(out - y))\n"
             "model = keras.Model(x, out)\n"
             "model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)\n"
             "for i in range(10):\n    iterator_next = next(iterator)\n"
             "    model.train_on_batch(iterator_next[0], iterator_next[1])\n",
             diagnostics=("TFM167", "TFM167"), requires=("TFM130", "TFM131", "TFM133", "TFM140")),
    ]
