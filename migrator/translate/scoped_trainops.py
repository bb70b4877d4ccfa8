"""Keras helpers for tflearn programs whose regression(...) layers minimise loss TENSORS over
lists of layer variables (GANs: ``trainable_vars=get_layer_variables_by_scope(...)``).

Read from tflearn 0.5.0: ``get_layer_variables_by_scope(scope)`` is
``tf.get_collection(LAYER_VARIABLES, scope)`` (variables whose name ``re.match``-es the scope);
``regression(x, placeholder=None, loss=T, trainable_vars=V)`` makes a TrainOp minimising T over
V only (``tf.gradients(loss, V)``, clipped by global norm ``clip_gradients`` over V); a DNN takes
every TrainOp of the graph and its Trainer runs, per batch step, one step of each TrainOp in
creation order, each on its own batch stream (FeedDictFlow over the whole feed dict: every
TrainOp is fed every input).
"""
from __future__ import annotations

from ..helpers import register_source

SCOPE_VARIABLES = "TflearnScopeVariables"
TRAINOPS_DNN = "TflearnTrainOpsDNN"
LOSS_MODEL = "TflearnVarListLossModel"

register_source("tflearn_models", SCOPE_VARIABLES)

register_source("tflearn_models", LOSS_MODEL)

register_source("tflearn_models", TRAINOPS_DNN, requires=(SCOPE_VARIABLES, LOSS_MODEL))
