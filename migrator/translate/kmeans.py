"""The ``TflearnKMeans`` helper: tflearn 0.5.0's ``estimators.KMeans`` in NumPy.

What tflearn's KMeans does (tflearn/estimators/cluster/kmeans.py, with the TF1 contrib
clustering ops it builds - TF 2.21 still ships them as ``tensorflow.python.ops.clustering_ops``):

* the graph is built on the FIRST ``fit``'s array (``c_ops.KMeans(X, ...)`` gets the NumPy array:
  a constant); later fits train on that same data (tflearn's data queue feeds nothing the
  training op reads). ``num_features`` = its second dimension.
* initial centers: ``init`` an array -> those rows; ``'random'`` -> ``n_clusters`` rows drawn
  uniformly WITH replacement (``random_uniform`` indices; the whole data when it has no more
  rows than clusters). TF's Philox stream is not reproduced: NumPy's global RNG draws them.
* one training step (``session.run([train_op, avg_distance, cluster_idx])``): squared
  Euclidean distances to the current centers (``nearest_neighbors``), the loss = their mean,
  then every center = sum of its points / (count + 1e-6) (an empty cluster becomes 0).
* ``fit`` loops until the last ten losses have variance <= 0.01 (``max_iter`` is never
  read), or ``max_steps`` steps when given; it prints every ``display_step`` steps (the
  ``metric`` branch's format has six fields for five values: TypeError, as in tflearn).
* ``labels_`` / ``cluster_idx``: nearest center of each fitted row (current centers);
  ``distances_`` / ``all_distances_``: a one-element tuple (tflearn runs the op lists);
  ``scores`` / ``all_scores`` return the centers (tflearn's properties do); ``predict``
  returns the FIRST row's result only (``indices[0]``), a scalar for a 1-D sample;
  ``transform``: Euclidean (not squared) distance to each center.
"""
from __future__ import annotations

from ..helpers import register_source

register_source("tflearn_models", "TflearnKMeans")
