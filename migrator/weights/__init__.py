"""Carry TF1 / tflearn weights into migrated Keras models and verify equivalence.

Never imported by the rewriter. ``layer_maps`` converts one legacy layer's variables into
the weight list of the Keras layer its translation produces.
"""
