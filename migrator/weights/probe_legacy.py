"""Legacy side of ``verify`` (runs in the legacy runtime, its own process):

    python -m migrator.weights.probe_legacy SCRIPT OUTDIR [--batch N] [--seed S] [--no-step]
                                            [--outputs T1,T2] [-- SCRIPT_ARGS...]

Runs SCRIPT until its first training call and works on the model it is about to train:

* tflearn: ``DNN.fit`` - inputs/targets are the ``inputs``/``targets`` collections, outputs
  the DNN's network tensor(s);
* raw TF1: the first ``Session.run`` whose fetches include an op returned by an optimizer's
  ``minimize``/``apply_gradients`` - inputs are the placeholders fed there, outputs the
  tensors named by ``--outputs`` (default: the fetched tensors other than the train op, in
  fetch order).

It then dumps (``OUTDIR/legacy.npz`` + ``legacy.json``): every global variable (creation
order, trainable flag, tflearn layer scope), the outputs on fixed random inputs in inference
mode (``tflearn.is_training(False)``), and - unless ``--no-step`` - the variables after ONE
training step on a fixed batch (the script's own first rows when available) taken with the
script's own training op. Dropout is disabled (identity) for the whole run, identically on
the Keras side, so that the training step is deterministic; the forward pass is in inference
mode where dropout is the identity anyway.
"""
from __future__ import annotations

import argparse
import json
import os
import runpy
import sys

import numpy as np


def reference_data() -> dict:
    """The reference suite's data (sklearn digits), fewer pairs: verify needs one batch."""
    from migrator.reference.data import DataConfig, load

    return load(DataConfig(train_pairs=256, test_pairs=64))


class _Captured(BaseException):
    def __init__(self, **kw):
        super().__init__("captured")
        self.__dict__.update(kw)


def _rows(data, n: int, count: int):
    """First ``n`` rows of the script's data as a list of ``count`` arrays, or None."""
    if data is None:
        return None
    if isinstance(data, dict):
        data = list(data.values())
    if not isinstance(data, (list, tuple)) or (count == 1 and not isinstance(data[0], (list, tuple, np.ndarray))):
        data = [data]
    try:
        arrs = [np.asarray(d) for d in data]
    except Exception:  # noqa: BLE001 - anything not array-like: use random data
        return None
    if len(arrs) != count or any(a.ndim == 0 or (n is not None and len(a) < n) or a.dtype == object
                                 for a in arrs):
        return None
    return [a[:n] for a in arrs] if n is not None else arrs


def _split_factor(t) -> int:
    """N when the graph cuts the fed tensor's batch axis into N parts: ``tf.split(batch, N)`` (a
    ``Split`` op over axis 0) of it or of a tensor computed from it row by row, or a ``tf.reshape``
    of such a tensor to ``[-1, N, ...]`` (facenet's triplets in a row: ``tf.unstack(tf.reshape(emb,
    [-1, 3, d]), 3, 1)``). One batch of ``n`` rows per part is ``N * n`` rows of it (the other feeds
    keep ``n`` rows: ``[a; b]`` stacked, one label per pair). The walk follows the consumers with
    the rows per fed row (a reshape to ``[-1, d]`` of ``[B, T, d]`` makes T rows of each, a later
    ``[-1, T, h]`` one again: an RNN's flattening cuts nothing); it stops at ops that join tensors
    (a concat / stack of towers is cut back into the towers) and where a shape is not known."""
    from fractions import Fraction

    found, seen, stack = 1, set(), [(t, Fraction(1))]
    while stack and len(seen) < 5000:
        x, m = stack.pop()
        for op in getattr(x, "consumers", lambda: [])():
            if op.name in seen:
                continue
            seen.add(op.name)
            new = m
            if op.type == "Split" and len(op.inputs) == 2 and op.inputs[1] is x:
                if _const_int(op.inputs[0]) != 0:
                    continue
                new = m / int(op.get_attr("num_split"))
            elif op.type == "Reshape" and op.inputs[0] is x:
                scale = _reshape_rows(op)
                if scale is None:
                    continue
                new = m * scale
            elif op.type in ("ConcatV2", "Concat", "Pack", "Unpack", "SplitV", "Transpose"):
                continue
            if new < 1:
                if new.numerator == 1:
                    found = max(found, new.denominator)
                continue
            stack.extend((o, new) for o in op.outputs)
    return found


def _const_int(x):
    try:
        import tensorflow as tf

        v = tf.get_static_value(x)
        return int(v) if v is not None and np.ndim(v) == 0 else None
    except Exception:  # noqa: BLE001 - not a plain constant: not counted
        return None


def _reshape_rows(op):
    """Rows out per row in of ``tf.reshape(x, [-1, k1, ...])`` with ``x``'s non-batch shape and
    the ``k`` static (a Fraction), else None."""
    from fractions import Fraction

    try:
        import tensorflow as tf

        shape = tf.get_static_value(op.inputs[1])
        dims = op.inputs[0].shape.as_list()
    except Exception:  # noqa: BLE001
        return None
    if shape is None or np.ndim(shape) != 1 or len(shape) < 1 or int(shape[0]) != -1 or not dims \
            or any(d is None for d in dims[1:]) or any(int(v) <= 0 for v in shape[1:]):
        return None
    p = int(np.prod([int(v) for v in shape[1:]])) if len(shape) > 1 else 1
    rows = int(np.prod(dims[1:])) if len(dims) > 1 else 1
    return Fraction(rows, p)


def _random_like(placeholders, n: int, rs: np.random.RandomState, onehot: bool = False):
    out = []
    for p in placeholders:
        shape = p.shape.as_list()
        # an unknown non-batch size (an episode's shots, a sequence length) is the probe's n too:
        # placeholders of one program that share such an axis get the same size
        shape = [n * (_split_factor(p) if shape and shape[0] is None else 1)] + [n if d is None else d
                                                                                for d in shape[1:]]
        dt = p.dtype.as_numpy_dtype
        if np.issubdtype(dt, np.integer):
            out.append(rs.randint(0, 2, shape).astype(dt))
        elif onehot and len(shape) == 2 and shape[1] > 1:
            out.append(np.eye(shape[1], dtype=dt)[rs.randint(0, shape[1], shape[0])])
        elif onehot:
            out.append(rs.randint(0, 2, shape).astype(dt))
        else:
            out.append(rs.rand(*shape).astype(dt))
    return out


def _labels_like_fed(placeholders, x, fed: dict, rs: np.random.RandomState):
    """A float placeholder of one value per row that the script fed only whole numbers (class labels: ``y =
    tf.placeholder(tf.float32, [batch])`` fed ``digits.target``) is probed with values drawn
    from the ones it was fed: uniform noise in [0, 1) is no label (a triplet loss mining
    positives by equal labels finds none and divides 0 by 0)."""
    out = list(x)
    for i, (p, v) in enumerate(zip(placeholders, x)):
        seen = fed.get(p)
        if seen is None or not np.issubdtype(np.asarray(v).dtype, np.floating):
            continue
        seen = np.asarray(seen)
        if seen.dtype == object or not seen.size or not np.issubdtype(seen.dtype, np.number):
            continue
        values = np.unique(seen)
        if 1 < len(values) <= 1000 and np.all(np.isfinite(values)) and np.all(values == np.round(values)) \
                and seen.shape[1:] == np.shape(v)[1:] and int(np.prod(np.shape(v)[1:])) == 1:
            out[i] = rs.choice(values, np.shape(v)).astype(np.asarray(v).dtype)
    return out


def _variables(tf, sess):
    graph = sess.graph
    layer_of = {}
    for key in graph.get_all_collection_keys():
        if key.startswith("layer_variables/"):
            for v in graph.get_collection(key):
                layer_of.setdefault(v.name, key[len("layer_variables/"):])
    # the session's graph, which need not be the default one (``with tf.Graph().as_default():``
    # then ``tf.Session(graph=graph)`` outside the block)
    trainable = {v.name for v in graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)}
    gv = graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)
    values = sess.run(gv)
    meta = [{"name": v.name[:-2] if v.name.endswith(":0") else v.name, "trainable": v.name in trainable,
             "layer": layer_of.get(v.name), "index": i} for i, v in enumerate(gv)]
    return meta, values, gv


# names of the trainable variables that the train ops' gradients leave None in every
# apply_gradients call (TF1's compute_gradients returns (None, v) for a variable the loss does not
# read): a layer computed and never used, which a Keras functional model does not even hold
_NO_GRADIENT: set = set()
_GRADIENT: set = set()
# the same per train op (id(op) -> (no gradient, gradient)): a program with several train ops
# (a classification head's own minimize, never run) judges by the op(s) its probed run runs
_OP_GRADIENTS: dict = {}


def _reads(outputs, placeholder) -> bool:
    """Does any of ``outputs`` depend on ``placeholder`` (a walk over op inputs)?"""
    seen, stack = set(), [t.op for t in outputs]
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op is placeholder.op:
            return True
        stack.extend(i.op for i in op.inputs)
    return False


_FLAGS_BEFORE: set | None = None


def _forget_flags() -> None:
    """Undefine the absl flags (``tf.flags`` / ``tf.app.flags``) defined since the first script
    started: scripts probed in one process may define the same flag names (TF1 refuses a
    second DEFINE with ``DuplicateFlagError``)."""
    global _FLAGS_BEFORE
    try:
        from absl import flags
    except ImportError:  # pragma: no cover - absl comes with TensorFlow
        return
    names = set(flags.FLAGS)
    if _FLAGS_BEFORE is None:
        _FLAGS_BEFORE = names
        return
    for name in names - _FLAGS_BEFORE:
        try:
            delattr(flags.FLAGS, name)
        except AttributeError:  # pragma: no cover
            pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    script_args: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, script_args = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(prog="probe_legacy")
    ap.add_argument("script")
    ap.add_argument("out")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-step", action="store_true")
    ap.add_argument("--outputs", default="")
    ap.add_argument("--call", default="", help="then call this function of the script with the "
                    "reference data (the reference models' train(data) contract)")
    ap.add_argument("--also", nargs=2, action="append", default=[], metavar=("SCRIPT", "OUT"),
                    help="probe more scripts in this process, one after the other (same options)")
    args = ap.parse_args(argv)

    from migrator.legacy.shim import install

    install()
    import tensorflow as tf  # the shim's TF1 view
    import tflearn

    tf1 = tf.compat.v1

    # dropout off, identically on both sides (see module docstring)
    def _no_dropout(x, *a, **k):
        return tf1.identity(x)

    tf1.nn.dropout = _no_dropout
    sys.modules["tensorflow"]._real.nn.dropout = _no_dropout  # type: ignore[attr-defined]
    # TF1's DropoutWrapper (tf-keras' legacy cell wrappers) calls tf.compat.v2.nn.dropout: its own
    # module object
    import tensorflow.compat.v2 as _tf2

    _tf2.nn.dropout = _no_dropout
    # the Dropout layers of tf.layers / TF-Slim (``slim.dropout``, ``tf.layers.Dropout``: the legacy
    # Keras Dropout) call ``nn.dropout`` of tensorflow.python.ops.nn, another module object
    from tensorflow.python.ops import nn as _ops_nn

    _ops_nn.dropout = _no_dropout
    if hasattr(tf1, "layers"):
        def _no_layer_dropout(inputs, *a, **k):  # TF1's first parameter is ``inputs`` (given by keyword too)
            return tf1.identity(inputs)

        tf1.layers.dropout = _no_layer_dropout

    # real-time augmentation off too (it is random, as dropout); preprocessing stays on
    import tflearn.data_augmentation as _daug

    _daug.DataAugmentation.apply = lambda self, batch: batch

    orig_fit = tflearn.DNN.fit

    train_ops: list = []
    grad_caps: dict = {}                # id(train op) -> [(variable, gradient capture variable)]
    for cls in (tf1.train.Optimizer,):
        orig_apply = cls.apply_gradients

        def apply_gradients(self, grads_and_vars, *a, _orig=orig_apply, **k):
            # TF1 reference variables are read when an op runs: without a gate, a layer's
            # gradient may read the next layer's weights before or after their update (the
            # apply ops run in parallel with the backward pass; tflearn's TrainOp does not gate
            # them), so one legacy step is not even deterministic. Gate them as
            # GATE_GRAPH does: every gradient is computed before any variable is updated.
            gv = list(grads_and_vars)
            for g, v in gv:  # variables the loss does not reach (a layer computed and never used)
                (_NO_GRADIENT if g is None else _GRADIENT).add(getattr(v, "name", ""))
            idx = [i for i, (g, _) in enumerate(gv) if g is not None and not isinstance(g, tf1.IndexedSlices)]
            caps = []
            if idx:
                gated = tf1.tuple([gv[i][0] for i in idx])
                for i, g in zip(idx, gated):
                    gv[i] = (g, gv[i][1])
                # the gradients themselves, for the step judgement (verify.py: rounding-noise
                # gradients): copied into variables outside every collection when the step runs
                g_caps = _capture_gradients(tf1, [gv[i] for i in idx])
                for i, (g, c) in zip(idx, g_caps):
                    gv[i] = (g, gv[i][1])
                    if c is not None:
                        caps.append((gv[i][1], c))
            op = _orig(self, gv, *a, **k)
            _OP_GRADIENTS[id(op)] = ({getattr(v, "name", "") for g, v in grads_and_vars if g is None},
                                     {getattr(v, "name", "") for g, v in grads_and_vars if g is not None})
            train_ops.append(op)
            grad_caps[id(op)] = caps
            return op

        cls.apply_gradients = apply_gradients
    # BaseSession: tf.Session, tf.InteractiveSession, and op.run() / t.eval() through them
    from tensorflow.python.client.session import BaseSession

    orig_run = BaseSession.run

    done: dict = {}

    def probe(cap) -> None:
        BaseSession.run = orig_run       # no more captures: the probe runs the train op itself
        done["rc"] = _probe(cap, args, tf, tf1, tflearn, orig_fit, orig_run, train_ops, grad_caps)

    def fit(self, X_inputs, Y_targets, *a, **k):
        probe(_Captured(kind="tflearn", dnn=self, X=X_inputs, Y=Y_targets))
        raise _Captured()

    tflearn.DNN.fit = fit

    def run(self, fetches, feed_dict=None, *a, **k):
        flat = _flatten(tf, fetches)
        if train_ops and any(_runs_train_op(f, train_ops) for f in flat):
            feed = _iterator_feeds(self, flat, dict(feed_dict or {}), orig_run)
            probe(_Captured(kind="tf1", sess=self, fetches=flat, feed=feed))
            raise _Captured()
        return orig_run(self, fetches, feed_dict, *a, **k)

    # a fixed graph-level seed (also after the script's own reset_default_graph; a script's
    # own tf.set_random_seed still wins): the same verify run compares the same initial weights
    orig_reset = tf1.reset_default_graph

    def reset_default_graph():
        orig_reset()
        tf1.set_random_seed(args.seed)

    tf1.reset_default_graph = reset_default_graph
    rc = 0
    data = None
    for script, out in [(args.script, args.out)] + [tuple(a) for a in args.also]:
        args.out = out
        for stale in ("error.txt", "legacy.json", "legacy.npz"):  # a kept work dir's earlier run
            if os.path.exists(os.path.join(out, stale)):
                os.remove(os.path.join(out, stale))
        done.clear()
        train_ops.clear()
        grad_caps.clear()
        _NO_GRADIENT.clear()
        _GRADIENT.clear()
        _OP_GRADIENTS.clear()
        tf1.reset_default_graph()
        BaseSession.run = run
        script = os.path.abspath(script)
        sys.argv = [script] + script_args
        sys.path.insert(0, os.path.dirname(script))
        _forget_flags()  # tf.flags the previous script defined (one process probes them all)
        error = None
        try:
            g = runpy.run_path(script, run_name="__main__")
            if args.call and callable(g.get(args.call)):
                data = data if data is not None else reference_data()
                g[args.call](data)
        except _Captured:
            pass
        except Exception as ex:  # noqa: BLE001 - reported for this script, the others go on
            import traceback

            error = "".join(traceback.format_exception(ex))[-3000:]
        finally:
            BaseSession.run = orig_run
            sys.path.remove(os.path.dirname(script))
        if "rc" not in done:
            error = error or (f"{script} finished without a training call "
                              "(tflearn DNN.fit or Session.run of an optimizer's train op)")
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, "error.txt"), "w") as f:
                f.write(error)
            print(f"probe_legacy: {error}", file=sys.stderr)
            rc = max(rc, 3)
        else:
            rc = max(rc, done["rc"])
    return rc


def _capture_gradients(tf1, grads_and_vars) -> list:
    """-> [(gradient, capture variable or None)]: each returned gradient is the same value,
    but computing it also assigns it to a variable kept out of every collection (so the
    script's initializer, saver and the variable dump never see it)."""
    out = []
    for g, v in grads_and_vars:
        shape = v.shape
        if not shape.is_fully_defined() or g.dtype.base_dtype not in (tf1.float32, tf1.float64):
            out.append((g, None))
            continue
        with tf1.name_scope(None):
            c = tf1.Variable(np.zeros(shape.as_list(), g.dtype.base_dtype.as_numpy_dtype), trainable=False,
                             collections=[], name="tfm_verify_grad")
        with tf1.control_dependencies([tf1.assign(c, g, validate_shape=False)]):
            out.append((tf1.identity(g), c))
    return out


def _read_gradients(sess, tf1, gv, caps_of_ops, orig_run) -> dict:
    """{index in gv: gradient of the training step just run} (captures never run are skipped)."""
    pos = {id(v): i for i, v in enumerate(gv)}
    out = {}
    for caps in caps_of_ops:
        for v, c in caps:
            if id(v) not in pos:
                continue
            try:
                out[pos[id(v)]] = np.asarray(orig_run(sess, c))
            except Exception:  # noqa: BLE001 - this train op did not run: no capture
                pass
    return out


_GET_NEXT = ("IteratorGetNext", "IteratorGetNextSync")


def _iterator_feeds(sess, fetches, feed: dict, orig_run) -> dict:
    """A training run that reads a ``tf.data`` iterator's ``get_next()`` instead of placeholders
    (``a, b, same = iterator.get_next()``; the towers built on them): one batch is pulled from the
    iterator and added to the run's feed, value for value (TF1 feeds any tensor, the iterator's
    elements too). The probe then treats those tensors as the fed inputs it feeds random rows,
    and its training step feeds that batch - the data the script would have trained on."""
    seen: set = set()
    todo = [getattr(f, "op", f) for f in fetches]
    reads: list = []
    while todo:
        op = todo.pop()
        if not hasattr(op, "inputs") or op.name in seen or len(seen) > 200000:
            continue
        seen.add(op.name)
        if op.type in _GET_NEXT:
            reads.append(op)
            continue
        todo.extend(i.op for i in op.inputs)
        todo.extend(op.control_inputs)
    outs = [t for op in reads for t in op.outputs if t not in feed and t.shape.ndims]
    if not outs:
        return feed
    feed = dict(feed)
    feed.update(zip(outs, orig_run(sess, outs, {k: v for k, v in feed.items()})))
    return feed


def _flatten(tf, fetches) -> list:
    """``tf.nest.flatten(fetches)``; a monitored session's inner run fetches a dict keyed by its hooks
    and ``'caller'`` (keys nest cannot sort): its values in order, flattened."""
    try:
        return tf.nest.flatten(fetches)
    except TypeError:
        if isinstance(fetches, dict):
            return [x for v in fetches.values() for x in _flatten(tf, v)]
        if isinstance(fetches, (list, tuple)):
            return [x for v in fetches for x in _flatten(tf, v)]
        return [fetches]


def _runs_train_op(f, train_ops) -> bool:
    """``f`` is a train op, or an op that runs one: ``tf.group(train_op, *update_ops)`` (a NoOp
    whose control inputs - nested groups too - hold the train op)."""
    ids = {id(t) for t in train_ops}
    todo, seen = [f], set()
    while todo:
        x = todo.pop()
        if id(x) in ids:
            return True
        if id(x) in seen or len(seen) > 10000:
            continue
        seen.add(id(x))
        op = getattr(x, "op", x) if not hasattr(x, "control_inputs") else x
        if getattr(op, "type", None) == "NoOp":
            todo.extend(op.control_inputs)
    return False


# fed tensors that are not taken for inputs: variables and their reads (kept as before for a
# placeholder_with_default, whose feeds stay as fed)
_VARIABLE_OPS = ("VariableV2", "VarHandleOp", "ReadVariableOp", "Identity", "PlaceholderWithDefault")


def _fold_inputs(ops, value) -> dict:
    """op name -> ``value(op, memo)``, computed after the values of the op's input ops, for ``ops``
    and every op they are computed from. A post-order walk of each op's inputs: creation order is
    not topological (a TF1 cond creates an op of a branch before the Switch that feeds it an
    outside tensor); a while loop's back edge is cut (that input has no value in ``memo`` yet)."""
    memo: dict = {}
    visiting: set[str] = set()
    for root in ops:
        stack = [(root, False)]
        while stack:
            op, done = stack.pop()
            if op.name in memo:
                continue
            if done:
                memo[op.name] = value(op, memo)
                visiting.discard(op.name)
                continue
            if op.name in visiting:
                continue
            visiting.add(op.name)
            stack.append((op, True))
            stack.extend((i.op, False) for i in op.inputs if i.op.name not in memo and i.op.name not in visiting)
    return memo


def _placeholder_deps(graph, ph_index: dict) -> dict:
    """op name -> the indices of the fed tensors it is computed from (``ph_index``: fed tensor
    name -> index; one op may have several fed outputs, an iterator's ``get_next()``)."""
    fed_ops: dict[str, set] = {}
    for name, i in ph_index.items():
        fed_ops.setdefault(name.rsplit(":", 1)[0], set()).add(i)

    def deps(op, dep: dict) -> frozenset:
        d = frozenset(fed_ops.get(op.name, ()))
        for i in op.inputs if op.name not in fed_ops else ():  # a fed tensor's value is the feed
            d |= frozenset([ph_index[i.name]]) if i.name in ph_index else dep.get(i.op.name, frozenset())
        return d

    return _fold_inputs(graph.get_operations(), deps)


def _unfed_deps(graph, feed: dict) -> set:
    """Names of the ops computed from a placeholder that ``feed`` leaves unfed (a fed tensor's
    value is the feed: what is upstream of it does not count)."""
    index = {getattr(t, "name", ""): 0 for t in feed}
    for op in graph.get_operations():
        if op.type == "Placeholder" and op.outputs[0].name not in index:
            index[op.outputs[0].name] = 1
    dep = _placeholder_deps(graph, index)
    return {name for name, d in dep.items() if 1 in d}


def mutates(op) -> bool:
    """Does running ``op`` write a variable: an optimizer's update (``ApplyAdam``,
    ``ResourceApplyGradientDescent``, ``SparseApplyMomentum`` ...), an assign, a scatter?"""
    t = op.type
    return "Apply" in t or t.startswith(("Assign", "Scatter", "ResourceScatter"))


def is_gradient_op(op) -> bool:
    """An op of a backward pass (``gradients/...``, ``train/gradients/...``) or of verify's own
    gradient captures."""
    n = op.name
    return n.startswith(("gradients", "tfm_verify_grad")) or "/gradients" in n


def training_side_ops(ops) -> set:
    """Names of the ops of ``ops`` (a graph's, duck-typed: ``name``, ``type``, ``inputs`` of tensors
    with ``op``) that belong to training, not to the forward pass: ops that write variables
    (:func:`mutates`), backward-pass ops (:func:`is_gradient_op`), and every op computed from a
    gradient or an optimizer update (gradient clipping, ``tf.tuple`` gates, the update ops'
    outputs). Computed from a plain assign only is not enough (a program's forward pass may read
    an assign's value). Walked by :func:`_fold_inputs`."""
    out: set = set()

    def tainted(op, taint: dict) -> bool:  # computed from a gradient or an optimizer update
        t = is_gradient_op(op) or ("Apply" in op.type) or any(taint.get(i.op.name, False) for i in op.inputs)
        if t or mutates(op):
            out.add(op.name)
        return t

    _fold_inputs(ops, tainted)
    return out


# ops that apply a weight (a layer's kernel / table): counted in a position's depth
WEIGHTED_OPS = {"MatMul", "BatchMatMul", "BatchMatMulV2", "Conv2D", "Conv3D", "DepthwiseConv2dNative",
                "Conv2DBackpropInput", "Conv3DBackpropInputV2", "GatherV2", "Gather", "ResourceGather"}
BIAS_OPS = {"Add", "AddV2", "BiasAdd"}


def _var_uses(graph, gv, dep, placeholders) -> list:
    """For each variable of ``gv`` whose name TF1 made up (``Variable``, ``Variable_3``) or whose
    name plays no Keras role (``mapping.plays_no_role``; else None): its forward uses ``[{"role", "op", "deps", "depth", "partner"}]`` -

    * ``kernel``: read by a weighted op (MatMul, Conv2D, Gather ...);
    * ``bias``: added (Add, AddV2, BiasAdd) to the output of a weighted op (``partner``: the
      variable that op reads);
    * ``other``: any other forward op;

    ``deps``: the fed placeholders the op is computed from (names), ``depth``: weighted ops on
    the longest path from them, this one included. Gradient and optimizer ops are not forward
    ops (only ops computed from a fed placeholder outside ``gradients`` scopes count)."""
    from migrator.weights.structure import is_unnamed

    names = [p.name for p in placeholders]
    var_of = {v.op.name: i for i, v in enumerate(gv)}

    def source(t):
        op = t.op
        for _ in range(8):
            if op.name in var_of:
                return var_of[op.name]
            if op.type in ("Identity", "ReadVariableOp", "Enter", "RefEnter") and op.inputs:
                op = op.inputs[0].op
            else:
                return None
        return None

    def forward(op):
        n = op.name
        return bool(dep.get(n)) and not n.startswith("gradients") and "/gradients" not in n \
            and not n.startswith("tfm_verify_grad") and "Apply" not in op.type \
            and not op.type.startswith(("Assign", "Scatter", "ResourceScatter", "AssignVariable"))

    from migrator.weights.mapping import plays_no_role

    # (and the named ones whose name plays no role: an embedding table called ``table``)
    wanted = {i for i, v in enumerate(gv) if is_unnamed(v.op.name) or plays_no_role(v.op.name)}
    if not wanted:
        return [None] * len(gv)
    depth: dict[str, int] = {}
    on_path: dict[str, frozenset] = {}
    visiting: set[str] = set()
    ops = [op for op in graph.get_operations() if forward(op)]
    for root in ops:
        stack = [(root, False)]
        while stack:
            op, done = stack.pop()
            if op.name in depth:
                continue
            ins = [i.op for i in op.inputs if forward(i.op)]
            if done:
                # the longest path's weighted ops, each VARIABLE counted once: a static RNN's
                # kernel is read by one MatMul per unrolled step, one Keras layer on the other side
                deepest = max(ins, key=lambda i: depth.get(i.name, 0), default=None)
                seen_vars = on_path.get(deepest.name, frozenset()) if deepest is not None else frozenset()
                read = {source(i) for i in op.inputs} - {None} if op.type in WEIGHTED_OPS else set()
                w = 1 if read and not read <= seen_vars else 0
                depth[op.name] = (depth.get(deepest.name, 0) if deepest is not None else 0) + w
                on_path[op.name] = seen_vars | frozenset(read)
                visiting.discard(op.name)
                continue
            if op.name in visiting:
                continue   # a while loop's back edge
            visiting.add(op.name)
            stack.append((op, True))
            stack.extend((i, False) for i in ins if i.name not in depth and i.name not in visiting)
    uses: list = [None if i not in wanted else [] for i in range(len(gv))]
    for op in ops:
        srcs = [source(t) for t in op.inputs]
        for k, s in enumerate(srcs):
            if s is None or s not in wanted:
                continue
            u = {"op": op.type, "deps": sorted(names[j] for j in dep[op.name]), "depth": depth.get(op.name, 0)}
            if op.type in WEIGHTED_OPS:
                u["role"] = "kernel"
            elif op.type in BIAS_OPS and len(op.inputs) == 2:
                other = op.inputs[1 - k].op
                partner = None
                if other.type in WEIGHTED_OPS:
                    partner = next((gv[x].op.name for x in (source(t) for t in other.inputs) if x is not None), None)
                u["role"] = "bias" if partner is not None else "other"
                u["partner"] = partner
            else:
                u["role"] = "other"
            uses[s].append(u)
    return uses


def _inference_value(t, v):
    """The value an evaluation run feeds a scalar placeholder the training run fed ``v``: the
    Keras forward pass is the model in inference mode. A bool flag (``is_training``) is fed the
    opposite; a keep probability (``keep_prob``, ``dropout_keep``) 1.0; anything else as fed."""
    op = getattr(t, "op", None)
    if getattr(op, "type", None) != "Placeholder" or t.shape.ndims not in (0, None):
        return v
    if t.dtype.base_dtype.is_bool and isinstance(v, (bool, np.bool_)):
        return not bool(v)
    if t.dtype.base_dtype.is_floating and "keep" in op.name.lower() and isinstance(v, (int, float, np.floating)):
        return 1.0
    return v


def _probe(cap, args, tf, tf1, tflearn, orig_fit, orig_run, train_ops, grad_caps=None) -> int:
    rs = np.random.RandomState(args.seed)
    n = args.batch
    if cap.kind == "tflearn":
        dnn = cap.dnn
        sess = dnn.session
        inputs, targets = list(dnn.inputs), list(dnn.targets)
        outputs = dnn.net if isinstance(dnn.net, (list, tuple)) else [dnn.net]
        # a target placeholder the network itself reads (``regression(net.loss(), placeholder=
        # net.y_)``): the migrated model takes it as its last input(s), fed the targets
        label_inputs = [t for t in targets if _reads(outputs, t)]
        n_x = len(inputs)
        inputs = inputs + label_inputs
    else:
        sess = cap.sess
        # the fed tensors with a batch axis: placeholders, and any other tensor the run feeds (TF1 feeds
        # any tensor: ``label = tf.to_float(label)`` then ``{label: y}`` feeds the cast, the placeholder
        # itself is never fed); scalars (keep_prob) stay as fed
        for t, v in cap.feed.items():
            # ``tf.placeholder(tf.float32, shape=(None))``: rank unknown; the batch it was fed
            # (geomois' labels) gives it: a batch of rows like every other fed batch
            if getattr(getattr(t, "op", None), "type", "") == "Placeholder" and t.shape.ndims is None \
                    and np.ndim(v) >= 1:
                t.set_shape([None, *np.shape(v)[1:]])
        # (a placeholder whose every consumer is an assign - a pretrained table written into a
        # variable in each run, kwangh's ``W.assign(embedding_placeholder)`` - is no model input:
        # it stays as fed)
        placeholders = [t for t in cap.feed if getattr(t, "op", None) is not None
                        and t.op.type not in _VARIABLE_OPS and t.shape.ndims
                        and not (t.consumers() and all(c.type in ("Assign", "AssignVariableOp")
                                                       for c in t.consumers()))]
        # which fed placeholders each tensor depends on (graph order is topological)
        graph = sess.graph
        ph_index = {p.name: i for i, p in enumerate(placeholders)}
        dep = _placeholder_deps(graph, ph_index)
        auto = not args.outputs
        if not auto:
            outputs = [graph.get_tensor_by_name(n if ":" in n else n + ":0") for n in args.outputs.split(",")]
            used = set().union(*(dep[t.op.name] for t in outputs))
            inputs = [p for i, p in enumerate(placeholders) if i in used]
            targets = [p for i, p in enumerate(placeholders) if i not in used]
        else:
            # no names given: every forward tensor with a batch axis that depends on fed
            # placeholders is a candidate; the Keras side picks, per Keras output, the
            # candidate with the same shape computed from the same inputs that matches best.
            inputs, targets, outputs = placeholders, [], []
            # placeholders ALL written with one FIXED batch size ([20, 8, 8, 1]): the forward
            # tensors' batch axis is that number, not None (only a label fixed to the batch size,
            # evildj's: the forward tensors keep a None batch axis; the label-dependent ones of
            # that size are no model outputs)
            rows = [p.shape.as_list()[0] for p in placeholders]
            batch_dims = {None, rows[0]} if rows and None not in rows and len(set(rows)) == 1 else {None}
            # a loss computed in the graph (a LossModel's output): after the others; a sum of loss
            # terms (kym343: cls_1 + cls_2 + siamese + weight decay) ends in an Add
            scalars, sums, unknown, pairwise = [], [], [], []
            # a streaming metric (tf.metrics.*) lives in the scope of its LOCAL variables: fetching
            # its update op would change the program's state (and fail before its initializer ran)
            local_scopes = tuple({v.op.name.rsplit("/", 1)[0] + "/" for v in graph.get_collection(tf1.GraphKeys.LOCAL_VARIABLES)
                                if "/" in v.op.name})
            # the training side (the optimizer's update ops, assigns, whatever is computed from the
            # gradients) is no forward tensor: a fixed batch of 32 lets a [32, 16] weight's ApplyAdam
            # pass the shape test below, and fetching it in the forward run applied an Adam update
            # (and filled its slots) before the step was taken - the legacy step then started
            # from other weights than the dumped ones (a false DIFFERENT)
            training = training_side_ops(graph.get_operations())
            # a tensor computed from a placeholder the run does not feed (the labels of a head
            # whose train op the program never runs) cannot be fetched with this feed: no candidate
            unfed = _unfed_deps(graph, cap.feed)
            for op in graph.get_operations():
                if local_scopes and op.name.startswith(local_scopes):
                    continue
                if op.name in unfed:
                    continue
                if not dep[op.name] or op.type in ("Placeholder", "Const", "Identity", "Shape", *_GET_NEXT) or \
                        op.name in training or not graph.is_fetchable(op):
                    continue   # (inside a tf.cond - batch norm with a tensor training flag - is not fetchable)
                if op.type in ("Enter", "RefEnter") or op._get_control_flow_context() is not None:
                    continue  # inside a while loop (dynamic_rnn's steps): not a fetchable tensor
                for t in op.outputs:
                    sh = t.shape
                    dims = sh.as_list() if sh.ndims is not None else None
                    # float32, or float64 (a graph built in float64 - chiaminchuang_malstm);
                    # DivNoNan: tf.losses' SUM_BY_NONZERO_WEIGHTS mean
                    floating = t.dtype.base_dtype in (tf1.float32, tf1.float64)
                    if floating and dims == [] and op.type in ("Mean", "RealDiv", "Sum", "DivNoNan", "L2Loss"):
                        scalars.append(t)
                        continue
                    # (or a difference: fogside's l2_loss(a - p) - l2_loss(a - n))
                    if floating and dims == [] and op.type in ("AddV2", "Add", "AddN", "Sub"):
                        sums.append(t)
                        continue
                    if floating and dims is None:
                        # rank unknown after a tf.cond (contrib batch_norm with a tensor
                        # is_training): the run gives the shape; the Keras side compares shapes
                        unknown.append(t)
                        continue
                    if floating and dims == [None, None] and op.type not in ("Placeholder",):
                        # a batch x batch matrix (pairwise distances mined per anchor): its
                        # shape is the run's; the Keras side compares shapes
                        pairwise.append(t)
                        continue
                    if floating and dims and len(dims) >= 3 and all(d is None for d in dims[:2]) \
                            and None in dims[2:] and batch_dims == {None}:
                        # an episode's [ways, queries, ways] log-probabilities (placeholders with
                        # two unknown leading sizes): shaped by the run, as above
                        pairwise.append(t)
                        continue
                    if not floating or not dims or dims[0] not in batch_dims or \
                            any(d is None for d in dims[1:]) or int(np.prod(dims[1:] or [1])) > 100000:
                        continue
                    outputs.append(t)
            # (a long unrolled graph - static RNNs over many steps - has thousands: its first and
            # its last tensors, where the model's outputs are)
            outputs = (outputs if len(outputs) <= 400 else outputs[:200] + outputs[-200:]) \
                + scalars[-20:] + sums[-20:] + unknown[-40:] + pairwise[-40:]
        if not outputs:
            print("probe_legacy: no output tensors (name them with --outputs)", file=sys.stderr)
            return 3

    preps: list = [None] * len(inputs)
    if cap.kind == "tflearn":
        preps = [None] * n_x
        # tflearn applies data_preprocessing outside the graph (feed dict flow) after
        # computing featurewise statistics over the raw training inputs at the first fit;
        # the migrated model holds it as layers. Do the same here, before reading the
        # variables, so the statistics are part of the dump.
        with sess.graph.as_default():
            preps = list(tf1.get_collection(tf1.GraphKeys.DATA_PREP))[:n_x]
        preps += [None] * (len(inputs) - len(preps))
        xs = _rows(cap.X, None, n_x) if cap.X is not None else None
        for i, dp in enumerate(preps):
            if dp is not None and xs:
                dp.initialize(xs[i], sess)
    if cap.kind != "tflearn":
        # a table fed in every run and written into its variable by an assign (kwangh's
        # ``embedding_init = W.assign(embedding_placeholder)`` read by the lookups): every run
        # of the program writes it first, so the variable's value in any run is the fed one -
        # write it before the variables are read (the Keras side's frozen table holds it)
        tables = {t: v for t, v in cap.feed.items()
                  if getattr(getattr(t, "op", None), "type", "") == "Placeholder" and t.consumers()
                  and all(c.type in ("Assign", "AssignVariableOp") for c in t.consumers())}
        if tables:
            sess.run([c.outputs[0] for t in tables for c in t.consumers() if c.outputs], tables)
    meta, before, gv = _variables(tf1, sess)
    no_grad, with_grad = _NO_GRADIENT, _GRADIENT
    if cap.kind == "tf1":
        # the train op(s) the captured run runs - the step below - decide: a variable only
        # another train op updates (a head's minimize the program never runs) gets no gradient
        # from this step's loss, and the Keras model trained there need not hold it
        ran = [t for t in train_ops if id(t) in _OP_GRADIENTS and any(_runs_train_op(f, [t]) for f in cap.fetches)]
        if ran:
            no_grad = set().union(*(_OP_GRADIENTS[id(t)][0] for t in ran))
            with_grad = set().union(*(_OP_GRADIENTS[id(t)][1] for t in ran))
            no_grad |= {v.name for v in gv if v.name not in with_grad and v.name in _GRADIENT | _NO_GRADIENT}
    for m, v in zip(meta, gv):
        if v.name in no_grad and v.name not in with_grad:
            m["no_gradient"] = True
            if v.name in _GRADIENT:
                m["other_train_op"] = True  # (another train op's loss reads it)
    if cap.kind != "tflearn":
        # unnamed variables (``Variable_3``): where the forward graph reads them (structure.py)
        try:
            found = _var_uses(sess.graph, gv, dep, placeholders)
        except Exception as ex:  # noqa: BLE001 - a graph this walk does not know: names decide alone
            print(f"probe_legacy: unnamed variables not placed ({type(ex).__name__}: {ex})", file=sys.stderr)
            found = [None] * len(gv)
        for m, u in zip(meta, found):
            if u is not None:
                m["uses"] = u
    # a placeholder written with a fixed batch size (``tf.placeholder(tf.float32, [64])``,
    # ``[55, 8, 8, 3]``) only takes that many rows: probe with that batch
    fixed = {t.shape.as_list()[0] for t in [*inputs, *targets] if t.shape.ndims and t.shape.as_list()[0] is not None}
    if len(fixed) == 1:
        n = fixed.pop()
    x = _labels_like_fed(inputs, _random_like(inputs, n, rs), getattr(cap, "feed", None) or {}, rs)
    feed = {t: (dp.apply(v.copy()) if dp is not None else v) for t, v, dp in zip(inputs, x, preps)}
    script_mode = None  # tflearn's training flag as the script left it (a TF1 session program)
    if cap.kind == "tflearn":
        tflearn.is_training(False, session=sess)
    else:
        with sess.graph.as_default():
            flags = tf1.get_collection("is_training")
        if flags:
            # tflearn layers in a session program: the forward probe runs in inference mode (a
            # training-mode run of tflearn's batch norm would move its averages), the step below
            # in the mode the script set (tflearn.is_training(True, session=sess))
            script_mode = bool(sess.run(flags[0]))
            tflearn.is_training(False, session=sess)
        for t, v in cap.feed.items():   # non-placeholder feeds (keep_prob as a tensor...) stay
            if t not in feed and t not in targets and t not in inputs \
                    and getattr(getattr(t, "op", None), "type", "") != "PlaceholderWithDefault":
                # a placeholder_with_default (an is_training flag) takes its default, as an
                # evaluation run does: the Keras forward pass is the model in inference mode
                feed[t] = _inference_value(t, v)
    try:
        y = sess.run(outputs, feed)
    except tf1.errors.InvalidArgumentError:
        # a graph that fixes the batch inside (``tf.reshape(x, [50, 8, 8, 1])`` on a ``[None, 64]``
        # placeholder) takes only the batch size the script's own runs fed: probe with that
        seen = {np.shape(v)[0] for t, v in cap.feed.items() if any(t is i for i in inputs) and np.ndim(v)}
        if len(seen) != 1 or seen == {n}:
            raise
        n = seen.pop()
        x = _labels_like_fed(inputs, _random_like(inputs, n, rs), getattr(cap, "feed", None) or {}, rs)
        for t, v, dp in zip(inputs, x, preps):
            feed[t] = dp.apply(v.copy()) if dp is not None else v
        y = sess.run(outputs, feed)
    if not args.no_step:
        # a forward fetch that moves state (contrib's batch_norm with updates_collections=None
        # moves its averages whenever its output is computed; Keras' inference pass does not): the
        # step starts from the values before it, as the Keras side's does
        for v, b, now in zip(gv, before, sess.run(gv)):
            if not np.array_equal(np.asarray(now), np.asarray(b)):
                v.load(b, sess)
    result = {"kind": cap.kind, "inputs": [t.name for t in inputs], "targets": [t.name for t in targets],
              "input_shapes": [t.shape.as_list()[1:] for t in inputs],
              "outputs": [t.name for t in outputs], "vars": meta, "step": False,
              "auto_outputs": cap.kind == "tf1" and not args.outputs}
    if result["auto_outputs"]:
        result["output_deps"] = [sorted(dep[t.op.name]) for t in outputs]
    arrays = {f"in_{i}": a for i, a in enumerate(x)}
    arrays.update({f"out_{i}": np.asarray(a) for i, a in enumerate(y)})
    arrays.update({f"before_{i}": np.asarray(a) for i, a in enumerate(before)})
    if not args.no_step:
        if cap.kind == "tflearn":
            tx = _rows(cap.X, n, n_x) or _random_like(inputs[:n_x], n, rs)
            ty = _rows(cap.Y, n, len(targets)) or _random_like(targets, n, rs, onehot=True)
            fit_x = list(tx)
            tx = fit_x + [ty[targets.index(t)] for t in label_inputs]
            orig_fit(dnn, fit_x if len(fit_x) > 1 else fit_x[0], ty if len(ty) > 1 else ty[0], n_epoch=1,
                     batch_size=n, shuffle=False, show_metric=False, snapshot_epoch=False,
                     snapshot_step=None, validation_set=None)
        else:
            fed = [t for t in cap.feed if t in inputs or t in targets]
            rows = {t: _rows(cap.feed[t], n * _split_factor(t), 1) for t in fed}
            tx = [rows[t][0] if rows.get(t) else r for t, r in zip(inputs, _random_like(inputs, n, rs))]
            ty = [rows[t][0] if rows.get(t) else r for t, r in zip(targets, _random_like(targets, n, rs, onehot=True))]
            step_feed = dict(zip(inputs, tx))
            step_feed.update(zip(targets, ty))
            for t, v in cap.feed.items():
                step_feed.setdefault(t, v)
            if script_mode is not None:
                tflearn.is_training(script_mode, session=sess)
            orig_run(sess, [f for f in cap.fetches if _runs_train_op(f, train_ops)], step_feed)
        after = sess.run(gv)
        grads = _read_gradients(sess, tf1, gv, [c for op, c in (grad_caps or {}).items()], orig_run)
        arrays.update({f"grad_{i}": g for i, g in grads.items()})
        result["grads"] = sorted(grads)
        arrays.update({f"tx_{i}": a for i, a in enumerate(tx)})
        arrays.update({f"ty_{i}": a for i, a in enumerate(ty)})
        arrays.update({f"after_{i}": np.asarray(a) for i, a in enumerate(after)})
        result["step"] = True
    os.makedirs(args.out, exist_ok=True)
    np.savez(os.path.join(args.out, "legacy.npz"), **arrays)
    with open(os.path.join(args.out, "legacy.json"), "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
