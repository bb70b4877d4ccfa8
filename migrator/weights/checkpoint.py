"""Read a TF1 / tflearn checkpoint without the legacy runtime.

Values come from ``tf.train.load_checkpoint`` (works with TensorFlow 2 and Keras 3 in the
same process). When the ``.meta`` file written by ``tf.train.Saver`` / tflearn's
``model.save`` is next to the checkpoint, the MetaGraphDef gives what the checkpoint alone
does not: the creation order of the variables (graph node order), which ones are trainable,
and tflearn's per-layer ``layer_variables/<scope>`` collections. Without it the order is the
natural sort of the names (``FullyConnected_2`` before ``FullyConnected_10``) and matching
leans on shapes.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from .naming import LegacyVar, LegacyVars, strip_suffix

_VAR_OPS = {"VariableV2", "Variable", "VarHandleOp"}


def natural_key(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def resolve(path: str | os.PathLike) -> str:
    """A checkpoint prefix from a prefix, a directory (its ``checkpoint`` file) or a file of it."""
    p = str(path)
    if os.path.isdir(p):
        import tensorflow as tf

        latest = tf.train.latest_checkpoint(p)
        if latest is None:
            raise FileNotFoundError(f"no checkpoint in directory {p}")
        return latest
    for suffix in (".index", ".meta"):
        if p.endswith(suffix):
            return p[: -len(suffix)]
    m = re.match(r"(.*)\.data-\d+-of-\d+$", p)
    if m:
        return m.group(1)
    if not os.path.exists(p + ".index"):
        raise FileNotFoundError(f"no checkpoint at {p} (expected {p}.index)")
    return p


def read_meta(meta: str | os.PathLike):
    """-> (variable names in creation order, trainable names, {var name: tflearn layer scope})."""
    from tensorflow.core.framework import variable_pb2
    from tensorflow.core.protobuf import meta_graph_pb2

    m = meta_graph_pb2.MetaGraphDef()
    m.ParseFromString(Path(meta).read_bytes())
    order = [n.name for n in m.graph_def.node if n.op in _VAR_OPS]
    trainable: set[str] = set()
    col = m.collection_def.get("trainable_variables")
    if col is not None:
        for b in col.bytes_list.value:
            vd = variable_pb2.VariableDef()
            vd.ParseFromString(b)
            trainable.add(strip_suffix(vd.variable_name))
    layers: dict[str, str] = {}
    for key, c in m.collection_def.items():
        if key.startswith("layer_variables/"):
            scope = key[len("layer_variables/"):]
            for n in c.node_list.value:
                layers.setdefault(strip_suffix(n), scope)
    return order, trainable, layers


def read_checkpoint(path: str | os.PathLike, meta: str | os.PathLike | None = None) -> LegacyVars:
    import tensorflow as tf

    prefix = resolve(path)
    reader = tf.train.load_checkpoint(prefix)
    shapes = reader.get_variable_to_shape_map()
    names = [n for n in shapes if n != "_CHECKPOINTABLE_OBJECT_GRAPH"]
    meta = meta if meta is not None else (prefix + ".meta" if os.path.exists(prefix + ".meta") else None)
    order: list[str] = []
    trainable: set[str] | None = None
    layers: dict[str, str] = {}
    if meta is not None:
        order, trainable, layers = read_meta(meta)
    pos = {n: i for i, n in enumerate(order)}
    known = bool(order) and all(n in pos for n in names)
    ranked = sorted(names, key=lambda n: (pos.get(n, len(pos)), natural_key(n)))
    out = []
    for i, n in enumerate(ranked):
        out.append(LegacyVar(n, np.asarray(reader.get_tensor(n)),
                             trainable=None if trainable is None else n in trainable,
                             index=i, layer=layers.get(n)))
    return LegacyVars(out, order_known=known, source=prefix)
