"""The smallest shim that lets tflearn 0.5.0 and ``import tensorflow as tf`` TF1 scripts run
on TensorFlow 2.21. Everything it changes:

1. ``TF_USE_LEGACY_KERAS=1`` before TensorFlow is imported: ``tf.compat.v1.layers`` and
   ``tf.keras`` then use tf-keras (Keras 2), which graph-mode TF1 code needs.
2. ``tf.compat.v1.disable_v2_behavior()``: graph mode, placeholders, sessions.
3. ``import tensorflow as tf`` yields a module that looks names up in ``tf.compat.v1``
   first and in TensorFlow 2 second (TF1 scripts say ``tf.placeholder``, ``keep_dims=``).
   Submodule imports (``tensorflow.python...``) still reach the real package.
4. ``tensorflow.python.util.nest.is_sequence`` = ``is_nested`` (removed in TF 2.x; tflearn uses it).
5. ``PIL.Image.ANTIALIAS`` = ``LANCZOS`` (removed in Pillow 10; tflearn's data_utils uses it).
6. ``tensorflow.contrib.layers.python.layers.initializers`` (also reachable as
   ``tf.contrib.layers.*``) with only ``xavier_initializer`` and ``variance_scaling_initializer`` (tf.contrib is gone; tflearn's ``xavier`` and
   ``variance_scaling`` initializers - the default of ``residual_block`` - import them).
   They are re-implemented with TF1's documented formulas (truncated normal stddev
   ``sqrt(1.3 * factor / n)`` for the normal case).
7. ``numpy.lib.pad`` = ``numpy.pad`` (removed from ``numpy.lib`` in NumPy 2; tflearn's
   ``ImageAugmentation.add_random_crop`` uses it).
8. The rest of ``tf.contrib.layers`` (``conv2d``, ``fully_connected``, ``max_pool2d``, ``flatten``,
   ``batch_norm``, ``l2_regularizer``, ``arg_scope`` ...), ``tensorflow.contrib.slim`` and
   ``tf.contrib.framework.arg_scope`` come from ``tf_slim`` (the TF-Slim package Google split
   out of contrib: the same code), imported on first use (its unfused batch_norm's layer class is
   tf-keras' ``tf_keras.src.legacy_tf_layers.normalization``, registered under the name TF 2.21's
   lazy loader asks for, ``tf_keras.legacy_tf_layers.normalization``). tf_slim 1.1 reads
   ``tensorflow.python.framework.ops.Tensor``, gone from TF 2.21: it is set to ``tf.Tensor``;
   and ``control_flow_ops.cond`` / ``case`` / ``while_loop`` / ``Assert`` (``batch_norm`` with a
   tensor ``is_training`` goes through ``cond``), moved out of that module: TF1's ``tf.compat.v1`` ones.
9. ``tensorflow.contrib.eager`` (``tfe``, for scripts that call ``tf.enable_eager_execution()``
   first) with the TF 1.x objects TF 2.21 still has: ``Variable`` = ``ResourceVariable``,
   ``implicit_gradients`` = ``backprop.implicit_grad`` (the function tfe exported),
   ``Iterator(dataset)`` = the eager iterator (``iter``; it has ``next()``), ``Network`` = a
   ``tf.layers.Layer`` whose ``track_layer(l)`` returns ``l`` (attribute layers are tracked).
10. ``tensorflow.contrib.rnn`` (``from tensorflow.contrib import rnn``, ``tf.contrib.rnn.X``): TF1's
   cells and loops under their contrib names, looked up on first use in ``tf.compat.v1.nn.rnn_cell``
   (BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell, DropoutWrapper, LSTMStateTuple ... - tf-keras'
   legacy cells, TF1's code) and ``tf.compat.v1.nn`` (static_rnn, static_bidirectional_rnn ...).
11. tflearn's ``FeedDictFlow.next_batch_ids`` returns a copy of the batch's indices, not a view of
   ``index_array``: its batch-id thread reshuffles that array in place at each epoch's end while a
   worker thread may still be reading the last batch through the view, so that batch sometimes
   held duplicated rows of the next epoch's order (a race: two runs of one program differed).
   Runs are repeatable; the batches are the ones tflearn meant to feed.
12. ``tensorflow.contrib.losses.metric_learning`` (``triplet_semihard_loss``, ``contrastive_loss``,
   ``lifted_struct_loss``, ``npairs_loss``, ``pairwise_distance``): TF 1.15's code, transcribed op for
   op with ``tf.compat.v1`` ops in ``migrator/legacy/metric_learning.py`` (nothing else provides it).
13. ``tensorflow.contrib.factorization.python.ops.clustering_ops`` (tflearn's ``KMeans``): TF 2.21
   still ships that module's code as ``tensorflow.python.ops.clustering_ops`` (the same kernels and
   graph); its ``KMeans.training_graph`` returns 6 values, the contrib one tflearn 0.5.0 was written
   against 7 (``cluster_centers_var`` fifth), so the shim's ``KMeans`` returns that variable there.
   ``tensorflow.contrib.tensor_forest`` exists so that ``tflearn.estimators`` imports: its
   ``data_ops.ParseDataTensorOrDict`` casts a dense tensor to float32 (what tflearn's KMeans
   uses); the forest ops themselves are not provided (RandomForest* raise on use).
14. TF 0.x names TF 1.0 removed, on ``tf`` as TF 0.12 had them (the same ops: TF 1.0 renamed
   them, its ``tf_upgrade.py`` rewrote them so): ``sub``, ``mul``, ``neg``, ``inv``, ``pack``,
   ``unpack``, ``select``, ``scalar_summary`` / ``histogram_summary`` / ``image_summary`` /
   ``audio_summary``, ``merge_summary`` / ``merge_all_summaries``, ``train.SummaryWriter``; and the
   TF 0.x argument orders, told apart by the first argument: ``tf.concat(concat_dim, values)`` and
   ``tf.split(split_dim, num_split, value)`` (an int first: TF >= 1.0 takes the tensor first), and
   the cross-entropies ``tf.nn.*_with_logits(logits, labels)`` called positionally (TF >= 1.0
   refuses positional arguments there, so no TF 1 program reaches that path).
"""
from __future__ import annotations

import math
import os
import sys
import types

_INSTALLED = False


class _TF1Module(types.ModuleType):
    """``tensorflow`` as a TF1 script sees it: compat.v1 first, then TF2."""

    def __init__(self, real: types.ModuleType, v1: types.ModuleType) -> None:
        super().__init__("tensorflow", real.__doc__)
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "_v1", v1)
        for attr in ("__path__", "__file__", "__spec__", "__loader__", "__package__", "__version__"):
            if hasattr(real, attr):
                object.__setattr__(self, attr, getattr(real, attr))

    def __getattr__(self, name: str):
        if name == "__internal__":  # TF's private API (tensorboard, keras): the real one
            return getattr(object.__getattribute__(self, "_real"), name)
        v1 = object.__getattribute__(self, "_v1")
        if hasattr(v1, name):
            return getattr(v1, name)
        return getattr(object.__getattribute__(self, "_real"), name)

    def __dir__(self):
        return sorted(set(dir(object.__getattribute__(self, "_v1"))) |
                      set(dir(object.__getattribute__(self, "_real"))))


def _contrib_initializers(tf1) -> types.ModuleType:
    def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None, dtype=None):
        import tensorflow as real_tf  # noqa: F401  (already imported)

        dtype = dtype or tf1.float32
        if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
            raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")

        def _init(shape, dtype=dtype, partition_info=None):
            shape = [int(s) for s in shape]
            if shape:
                fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1])
                fan_out = float(shape[-1])
            else:
                fan_in = fan_out = 1.0
            for dim in shape[:-2]:
                fan_in *= float(dim)
                fan_out *= float(dim)
            n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
            if uniform:
                limit = math.sqrt(3.0 * factor / n)
                return tf1.random_uniform(shape, -limit, limit, dtype, seed=seed)
            return tf1.truncated_normal(shape, 0.0, math.sqrt(1.3 * factor / n), dtype, seed=seed)

        return _init

    def xavier_initializer(uniform=True, seed=None, dtype=None):
        return variance_scaling_initializer(1.0, "FAN_AVG", uniform, seed, dtype)

    mod = types.ModuleType("tensorflow.contrib.layers.python.layers.initializers")
    mod.variance_scaling_initializer = variance_scaling_initializer
    mod.xavier_initializer = xavier_initializer
    mod.xavier_initializer_conv2d = xavier_initializer  # TF1: the same function under a second name
    return mod


def _tf_slim():
    """tf_slim, imported on first use (``ops.Tensor`` restored first)."""
    from tensorflow.python.framework import ops

    if not hasattr(ops, "Tensor"):
        import tensorflow as real_tf

        ops.Tensor = getattr(real_tf, "_real", real_tf).Tensor
    from tensorflow.python.ops import control_flow_ops

    # tf_slim calls control_flow_ops.cond / case / while_loop / Assert (batch_norm with a
    # tensor is_training, smart_cond ...), moved out of that module in TF 2.x: the TF1 ones
    import tensorflow as tf_mod

    v1 = getattr(tf_mod, "_real", tf_mod).compat.v1
    for name in ("cond", "case", "while_loop", "Assert"):
        if not hasattr(control_flow_ops, name):
            setattr(control_flow_ops, name, getattr(v1, name))
    # tf_slim's batch_norm (not fused: the default UPDATE_OPS collection on a rank-4 input) builds
    # tensorflow.python.layers.normalization.BatchNormalization, which TF 2.21 loads lazily from
    # ``tf_keras.legacy_tf_layers.normalization``; tf-keras 2.21 ships that module as
    # ``tf_keras.src.legacy_tf_layers.normalization`` (the class tf.compat.v1.layers.batch_normalization is)
    if "tf_keras.legacy_tf_layers.normalization" not in sys.modules:
        import importlib

        try:
            norm = importlib.import_module("tf_keras.src.legacy_tf_layers.normalization")
        except ImportError:  # pragma: no cover - another tf-keras layout
            norm = None
        if norm is not None:
            sys.modules.setdefault("tf_keras.legacy_tf_layers", sys.modules["tf_keras.src.legacy_tf_layers"])
            sys.modules["tf_keras.legacy_tf_layers.normalization"] = norm
    import tf_slim

    return tf_slim


class _LazyContrib(types.ModuleType):
    """A ``tensorflow.contrib`` submodule whose other names come from tf_slim on first use."""

    def __init__(self, name: str, source) -> None:
        super().__init__(name)
        object.__setattr__(self, "_source", source)

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        try:
            value = getattr(object.__getattribute__(self, "_source")(), attr)
        except ImportError as ex:  # pragma: no cover - tf-slim is in the reference extra
            raise AttributeError(f"tf.contrib needs the tf-slim package for {attr!r}: {ex}") from None
        setattr(self, attr, value)
        return value
class _ContribRNN(types.ModuleType):
    """``tensorflow.contrib.rnn``: names resolved lazily in ``tf.compat.v1.nn.rnn_cell`` (the
    cells; importing them loads tf-keras) then ``tf.compat.v1.nn`` (static_rnn & co.)."""

    def __init__(self, name: str, tf1) -> None:
        super().__init__(name)
        object.__setattr__(self, "_tf1", tf1)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        tf1 = object.__getattribute__(self, "_tf1")
        for mod in (tf1.nn.rnn_cell, tf1.nn):
            if hasattr(mod, name):
                return getattr(mod, name)
        raise AttributeError(f"module 'tensorflow.contrib.rnn' has no attribute {name!r} in this shim")


def _metric_learning():
    from . import metric_learning

    return metric_learning


def _contrib_metric_learning() -> None:
    """``tensorflow.contrib.losses.metric_learning`` (and its ``python.metric_learning.metric_loss_ops``
    path): TF 1.15's functions transcribed in ``migrator/legacy/metric_learning.py``, loaded on first use."""
    ml = _LazyContrib("tensorflow.contrib.losses.metric_learning", _metric_learning)
    ops = _LazyContrib("tensorflow.contrib.losses.python.metric_learning.metric_loss_ops", _metric_learning)
    names = {"tensorflow.contrib.losses": types.ModuleType("tensorflow.contrib.losses"),
             "tensorflow.contrib.losses.metric_learning": ml,
             "tensorflow.contrib.losses.python": types.ModuleType("tensorflow.contrib.losses.python"),
             "tensorflow.contrib.losses.python.metric_learning": types.ModuleType(
                 "tensorflow.contrib.losses.python.metric_learning"),
             "tensorflow.contrib.losses.python.metric_learning.metric_loss_ops": ops}
    for name, mod in names.items():
        mod = sys.modules.setdefault(name, mod)
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, mod)


class _Missing(types.ModuleType):
    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise AttributeError(f"{self.__name__}.{attr} is not provided by the legacy shim (tf.contrib is gone)")


def _contrib_estimator_ops() -> None:
    """tflearn.estimators' imports: contrib's clustering ops (core's, 7-value training_graph) and
    a tensor_forest whose data_ops parse a dense tensor."""

    def clustering():
        from tensorflow.python.ops import clustering_ops as core

        mod = types.ModuleType("tensorflow.contrib.factorization.python.ops.clustering_ops")
        for k in dir(core):
            if not k.startswith("__"):
                setattr(mod, k, getattr(core, k))

        class KMeans(core.KMeans):
            def _create_variables(self, num_clusters):
                out = super()._create_variables(num_clusters)
                self._cluster_centers_var = out[0]
                return out

            def training_graph(self):
                all_scores, idx, scores, initialized, init_op, train_op = super().training_graph()
                return all_scores, idx, scores, initialized, self._cluster_centers_var, init_op, train_op

        mod.KMeans = KMeans
        return mod

    from tensorflow.python.ops import math_ops

    data_ops = types.ModuleType("tensorflow.contrib.tensor_forest.python.ops.data_ops")
    data_ops.ParseDataTensorOrDict = lambda data: (math_ops.cast(data, "float32"), None, None)
    names = {"tensorflow.contrib.factorization": types.ModuleType("tensorflow.contrib.factorization"),
             "tensorflow.contrib.factorization.python": types.ModuleType("tensorflow.contrib.factorization.python"),
             "tensorflow.contrib.factorization.python.ops": types.ModuleType(
                 "tensorflow.contrib.factorization.python.ops"),
             "tensorflow.contrib.factorization.python.ops.clustering_ops": clustering(),
             "tensorflow.contrib.tensor_forest": types.ModuleType("tensorflow.contrib.tensor_forest"),
             "tensorflow.contrib.tensor_forest.python": types.ModuleType("tensorflow.contrib.tensor_forest.python"),
             "tensorflow.contrib.tensor_forest.python.tensor_forest": _Missing(
                 "tensorflow.contrib.tensor_forest.python.tensor_forest"),
             "tensorflow.contrib.tensor_forest.python.ops": types.ModuleType(
                 "tensorflow.contrib.tensor_forest.python.ops"),
             "tensorflow.contrib.tensor_forest.python.ops.data_ops": data_ops}
    for name, mod in names.items():
        mod = sys.modules.setdefault(name, mod)
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, mod)


def _contrib_eager(tf1) -> types.ModuleType:
    from tensorflow.python.eager import backprop
    from tensorflow.python.ops import resource_variable_ops

    mod = types.ModuleType("tensorflow.contrib.eager")

    def network(name):  # built on first use: tf.layers imports tf-keras
        if name != "Network":
            raise AttributeError(name)

        class Network(tf1.layers.Layer):
            """tfe.Network (TF 1.x contrib/eager/python/network.py): a Layer holding layers."""

            def track_layer(self, layer):
                return layer

        mod.Network = Network
        return Network

    mod.__getattr__ = network
    mod.Variable = resource_variable_ops.ResourceVariable
    mod.implicit_gradients = backprop.implicit_grad
    mod.Iterator = iter
    mod.enable_eager_execution = tf1.enable_eager_execution
    mod.executing_eagerly = tf1.executing_eagerly
    return mod


class _PinDataFlowRace:
    """Import hook: once ``tflearn.data_flow`` is loaded, ``FeedDictFlow.next_batch_ids``
    returns a copy of its slice of ``index_array`` instead of a view (item 11)."""

    def find_spec(self, name, path=None, target=None):
        if name != "tflearn.data_flow":
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_pin(module):
            exec_module(module)
            flow = module.FeedDictFlow
            original = flow.next_batch_ids

            def next_batch_ids(self):
                ids = original(self)
                return ids if ids is False else numpy.array(ids)

            flow.next_batch_ids = next_batch_ids

        import numpy

        spec.loader.exec_module = exec_and_pin
        return spec


def _tf0_names(proxy, tf1) -> None:
    """Item 14: TF 0.x's removed names and argument orders on the TF1 module."""
    def _int(v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    def concat(*args, **kw):
        if "concat_dim" in kw or (args and _int(args[0])):
            if args:
                kw.setdefault("concat_dim", args[0])
                args = args[1:]
            if args:
                kw["values"], args = args[0], args[1:]
            if args:
                kw["name"] = args[0]
            return tf1.concat(kw["values"], kw["concat_dim"], name=kw.get("name", "concat"))
        return tf1.concat(*args, **kw)

    def split(*args, **kw):
        if "split_dim" in kw or "num_split" in kw or (args and _int(args[0]) and len(args) + len(kw) >= 3):
            names = ("split_dim", "num_split", "value", "name")
            kw.update(zip(names, args))
            return tf1.split(kw["value"], kw["num_split"], axis=kw["split_dim"], name=kw.get("name", "split"))
        return tf1.split(*args, **kw)

    renames = {"sub": tf1.subtract, "mul": tf1.multiply, "neg": tf1.negative, "inv": tf1.math.reciprocal,
               "pack": tf1.stack, "unpack": tf1.unstack, "select": tf1.where,
               "scalar_summary": tf1.summary.scalar, "histogram_summary": tf1.summary.histogram,
               "image_summary": tf1.summary.image, "audio_summary": tf1.summary.audio,
               "merge_summary": tf1.summary.merge, "merge_all_summaries": tf1.summary.merge_all,
               "concat": concat, "split": split}
    for k, v in renames.items():
        object.__setattr__(proxy, k, v)
    if not hasattr(tf1.train, "SummaryWriter"):
        tf1.train.SummaryWriter = tf1.summary.FileWriter

    def positional(f, second):
        def g(*args, **kw):
            kw.update(zip(("logits", second), args))  # TF 0.x: (logits, labels | targets, ...)
            if "targets" in kw:
                kw["labels"] = kw.pop("targets")
            return f(**kw)
        return g

    nn = types.ModuleType("tensorflow.nn")
    nn.__getattr__ = lambda name: getattr(tf1.nn, name)
    nn.sigmoid_cross_entropy_with_logits = positional(tf1.nn.sigmoid_cross_entropy_with_logits, "targets")
    nn.softmax_cross_entropy_with_logits = positional(tf1.nn.softmax_cross_entropy_with_logits, "labels")
    nn.sparse_softmax_cross_entropy_with_logits = positional(tf1.nn.sparse_softmax_cross_entropy_with_logits,
                                                             "labels")
    object.__setattr__(proxy, "nn", nn)


def install() -> None:
    """Patch the running interpreter; call before the legacy code imports anything."""
    global _INSTALLED
    if _INSTALLED:
        return
    if "keras" in sys.modules and not os.environ.get("TF_USE_LEGACY_KERAS"):
        raise RuntimeError("Keras 3 is already imported in this process: run legacy code in a "
                           "subprocess of its own (python -m migrator.legacy.run)")
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as real_tf

    tf1 = real_tf.compat.v1
    tf1.disable_v2_behavior()
    tf1.logging.set_verbosity(tf1.logging.ERROR)

    from tensorflow.python.util import nest

    if not hasattr(nest, "is_sequence"):
        nest.is_sequence = nest.is_nested
    import numpy

    if not hasattr(numpy.lib, "pad"):
        numpy.lib.pad = numpy.pad
    try:
        from PIL import Image

        if not hasattr(Image, "ANTIALIAS"):
            Image.ANTIALIAS = Image.LANCZOS
    except ImportError:  # pragma: no cover - Pillow is a tflearn dependency
        pass

    proxy = _TF1Module(real_tf, tf1)
    sys.modules["tensorflow"] = proxy
    contrib_names = ["tensorflow.contrib", "tensorflow.contrib.layers", "tensorflow.contrib.layers.python",
                     "tensorflow.contrib.layers.python.layers"]
    lazy = {"tensorflow.contrib.layers": lambda: _tf_slim() and sys.modules["tf_slim.layers"],
            "tensorflow.contrib.slim": _tf_slim,
            "tensorflow.contrib.framework": lambda: _tf_slim()}
    for name in contrib_names + list(lazy):
        sys.modules.setdefault(name, _LazyContrib(name, lazy[name]) if name in lazy else types.ModuleType(name))
    inits = _contrib_initializers(tf1)
    sys.modules["tensorflow.contrib.layers.python.layers.initializers"] = inits
    sys.modules["tensorflow.contrib.layers.python.layers"].initializers = inits
    layers = sys.modules["tensorflow.contrib.layers"]
    layers.xavier_initializer = inits.xavier_initializer
    layers.xavier_initializer_conv2d = inits.xavier_initializer_conv2d
    layers.variance_scaling_initializer = inits.variance_scaling_initializer
    sys.modules["tensorflow.contrib"].layers = layers
    sys.modules["tensorflow.contrib"].slim = sys.modules["tensorflow.contrib.slim"]
    sys.modules["tensorflow.contrib"].framework = sys.modules["tensorflow.contrib.framework"]
    eager = sys.modules["tensorflow.contrib.eager"] = _contrib_eager(tf1)
    sys.modules["tensorflow.contrib"].eager = eager
    rnn = _ContribRNN("tensorflow.contrib.rnn", tf1)
    sys.modules["tensorflow.contrib.rnn"] = rnn
    sys.modules["tensorflow.contrib"].rnn = rnn
    _contrib_metric_learning()
    _contrib_estimator_ops()
    object.__setattr__(proxy, "contrib", sys.modules["tensorflow.contrib"])
    _tf0_names(proxy, tf1)
    if "tflearn.data_flow" not in sys.modules:
        sys.meta_path.insert(0, _PinDataFlowRace())
    _INSTALLED = True
