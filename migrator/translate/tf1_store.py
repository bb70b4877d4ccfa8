"""TF1's variable store at run time, for model classes built twice into one TF1 graph.

A training and an inference instance of one model class (``create_train_model`` /
``create_inference_model``) share their weights in TF1 through ``variable_scope(..., reuse=
AUTO_REUSE)``: ``get_variable`` resolves ``<scope path>/<name>`` in one store. The scope path is
known only when the code runs (a layer helper ``conv(..., name='conv1')`` opens
``variable_scope(name)``), so the translation keeps the scopes as ``tf1_variable_scope`` (a
stack of names with TF1's reuse inheritance) and takes each layer made from get_variable (TFM135)
or a named tf.layers call (TFM131) from ``tf1_scoped_layer(name, make)``, keyed by the full path:
with reuse (True / AUTO_REUSE) the second instance gets the SAME Keras layer; without reuse a
second creation raises as TF1's get_variable did ("already exists"), and reuse=True on a name
never created raises ("does not exist"). ``analysis/tf1_classes.TF1Classes.store_function``
says where this applies.
"""
from __future__ import annotations

import libcst as cst

from ..helpers import register_source

TF1_STORE = register_source("tf1", "tf1_variable_scope",
                            also=("TF1_SCOPE_STACK", "TF1_SCOPED_LAYERS", "tf1_scoped_layer"))


def scoped_layer(ctx, name: cst.BaseExpression, layer: cst.BaseExpression, x: cst.BaseExpression) -> cst.Call:
    """``tf1_scoped_layer(name, lambda: <layer>)(x)``."""
    ctx.use_helper("tf1_variable_scope")
    make = cst.Lambda(params=cst.Parameters(), body=layer)
    return cst.Call(func=cst.Call(func=cst.Name("tf1_scoped_layer"), args=[cst.Arg(name), cst.Arg(make)]),
                    args=[cst.Arg(x)])


def store_function(ctx, node: cst.CSTNode):
    """The function of a model class built twice (TF1Classes.store_function) holding ``node``."""
    from ..analysis.tf1_classes import TF1Classes

    return ctx.analysis(TF1Classes).store_function(node)
