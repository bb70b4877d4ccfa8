"""Keras helpers of tflearn's residual blocks, registered for TFM112 and TFM124."""
from __future__ import annotations
from ..helpers import register_source


register_source("residual", "tflearn_fresh_initializer")

register_source("residual", "tflearn_pre_activation")

register_source("residual", "tflearn_residual_shortcut")

register_source("residual", "tflearn_residual_block",
                requires=("tflearn_fresh_initializer", "tflearn_pre_activation", "tflearn_residual_shortcut"))

register_source("residual", "tflearn_residual_bottleneck",
                requires=("tflearn_fresh_initializer", "tflearn_pre_activation", "tflearn_residual_shortcut"))
