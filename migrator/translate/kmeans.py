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

from ..helpers import register

register("TflearnKMeans", '''
class TflearnKMeans:
    """tflearn.estimators.KMeans (TF1 contrib full-batch k-means, squared Euclidean distance):
    initial centers drawn from the first fit's data (NumPy's RNG, with replacement) or `init`
    rows; each step assigns every row to its nearest center and moves each center to the mean
    of its rows (sum / (count + 1e-6)); fit stops when the last 10 losses (mean squared
    distance) vary by <= 0.01 (max_iter unused, as in tflearn) or after max_steps. predict
    returns the first row's cluster (tflearn's indices[0]); transform Euclidean distances."""

    def __init__(self, n_clusters, max_iter=300, init="random", distance="squared_euclidean",
                 metric=None, num_features=None, log_dir="/tmp/tflearn_logs/", global_step=None,
                 session=None, graph=None, name=None):
        if distance != "squared_euclidean":
            raise NotImplementedError("TflearnKMeans: only distance='squared_euclidean'")
        if isinstance(init, str) and init != "random":
            raise NotImplementedError("TflearnKMeans: init='random' or an array of centers")
        self.n_clusters = n_clusters
        self.max_iter = max_iter
        self.init = init
        self.distance = distance
        self.metric = metric
        self.num_features = num_features
        self._data = None
        self._centers = None
        self.global_step = 0

    def _build(self, X):
        if self._data is not None:
            return
        self._data = np.asarray(X)
        if self.num_features is None:
            self.num_features = self._data.shape[1]
        if not isinstance(self.init, str):
            self._centers = np.array(self.init, dtype=self._data.dtype)
        elif len(self._data) <= self.n_clusters:
            self._centers = self._data.copy()
        else:
            self._centers = self._data[np.random.randint(0, len(self._data), size=self.n_clusters)]

    @staticmethod
    def _sq_distances(X, centers):
        d = (np.sum(np.square(X), axis=1, keepdims=True) - 2 * np.matmul(X, centers.T)
             + np.sum(np.square(centers), axis=1)[None, :])
        return np.maximum(d, 0).astype(X.dtype)

    def _nearest(self, X):
        d = self._sq_distances(X, self._centers)
        idx = np.argmin(d, axis=1)
        return idx, d[np.arange(len(X)), idx]

    def fit(self, X, shuffle=True, display_step=500, n_jobs=1, max_steps=None):
        if np.ndim(X) != 2:
            raise ValueError("X must be 2-D")
        from datetime import datetime as _datetime
        import time as _time

        self._build(X)
        data = self._data
        gstep = self.global_step
        last_loss, loss_val, step = [], None, 0
        while True:
            if loss_val:
                last_loss.append(loss_val)
            if len(last_loss) > 10:
                last_loss.pop(0)
            start_time = _time.time()
            idx, scores = self._nearest(data)
            loss_val = np.mean(scores)
            sums = np.zeros_like(self._centers)
            np.add.at(sums, idx, data)
            counts = np.bincount(idx, minlength=len(self._centers)).astype(data.dtype)
            self._centers = (sums / (counts[:, None] + np.asarray(1e-6, data.dtype))).astype(data.dtype)
            self.global_step += 1
            duration = _time.time() - start_time
            if step % display_step == 0:
                examples_per_sec = len(data) / duration if duration else float("inf")
                if self.metric:
                    format_str = "%s: step %d, loss = %.2f, acc = %.2f, (%.1f examples/sec; %.3f sec/batch)"
                else:
                    format_str = "%s: step %d, loss = %.2f, (%.1f examples/sec; %.3f sec/batch)"
                print(format_str % (_datetime.now(), step + gstep, loss_val, examples_per_sec, duration))
            step += 1
            if len(last_loss) == 10 and np.var(last_loss) <= 0.01 and not max_steps:
                break
            if max_steps and step == max_steps:
                break

    @property
    def cluster_centers_vars(self):
        return None if self._centers is None else self._centers.copy()

    cluster_centers_ = cluster_centers_vars

    @property
    def cluster_idx(self):
        return None if self._centers is None else self._nearest(self._data)[0]

    labels_ = cluster_idx

    @property
    def scores(self):  # tflearn returns the centers here
        return self.cluster_centers_vars

    @property
    def all_scores(self):  # tflearn returns the centers here
        return self.cluster_centers_vars

    @property
    def distances_(self):
        return (self._nearest(self._data)[1],)

    @property
    def all_distances_(self):
        data = self._data
        return ((np.sum(np.square(data), 1, keepdims=True) - 2 * np.matmul(data, self._centers.T)
                 + np.sum(np.square(self._centers), 1)[None, :]),)

    def _prepare(self, X):
        ndim = np.ndim(X)
        X = np.asarray(X, dtype=np.float32)
        if ndim < 2:
            X = X[None, :]
        return X, ndim

    def predict(self, X, with_distances=False):
        X, ndim = self._prepare(X)
        idx, dist = self._nearest(X)
        indices, distances = idx[:1], dist[:1]  # tflearn: indices[0] of the (n, 1) result
        if ndim == 1:
            indices, distances = indices[0], distances[0]
        if with_distances:
            return indices, distances
        return indices

    def transform(self, X):
        X, ndim = self._prepare(X)
        centers = self._centers.astype(np.float32)
        out = np.sqrt(np.sum(np.square(X[:, None, :] - centers[None, :, :]), axis=2))
        return out[0] if ndim == 1 else out
''', imports=(("numpy", None, "np"),))
