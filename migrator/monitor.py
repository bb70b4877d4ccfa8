"""A Keras 3 callback that watches for embedding collapse while a model trains.

    from migrator.monitor import CollapseMonitor

    monitor = CollapseMonitor(x_held_out, y_held_out, action="warn")   # or action="stop"
    model.fit(x, y, epochs=20, callbacks=[monitor])
    monitor.history        # one dict per check: epoch, headline metric, verdict, reasons

At the end of every ``every``-th epoch it predicts the held-out batch and computes the same
metrics and verdict as ``tflearn-migrate compare`` (migrator/reference/capture.py, built on
migrator/reference/metrics.py):

* a Siamese model (two inputs of one shape) with one shared encoder inside (a nested
  ``keras.Model``, as the migrator builds it): the encoder's embeddings of both inputs -
  effective rank (RankMe), relative spread, and with 0/1 pair labels how well their distance
  separates same from different pairs (ROC AUC, orientation-free);
* otherwise the model's output: scores (one number a row: spread, AUC against 0/1 labels),
  class probabilities (share of the majority prediction, balanced accuracy against labels) or
  embeddings (effective rank, spread, same/different-class pair AUC against class labels).

``encoder=`` names the embedding model yourself (a ``keras.Model`` or a layer name), or
``None`` to watch the model's output only. ``y`` is optional: without labels only the
label-free signs count (rank, spread, majority share).

When the verdict is "collapsed" it warns (``warnings.warn``, ``CollapseWarning``) and with
``action="stop"`` sets ``model.stop_training`` (after ``patience`` further collapsed checks).
Each check is also written into the epoch's logs as ``collapse`` (1.0 / 0.0) and
``collapse_<metric>`` so History, CSVLogger and TensorBoard record it.

This module imports Keras (the migrator's rewriter never imports it).
"""
from __future__ import annotations

import warnings

import keras
import numpy as np

from migrator.reference import capture


class CollapseWarning(UserWarning):
    pass


def _as_list(x):
    if isinstance(x, dict):
        return [x[k] for k in sorted(x, key=str)]
    return list(x) if isinstance(x, (list, tuple)) else [x]


class CollapseMonitor(keras.callbacks.Callback):
    def __init__(self, x, y=None, *, encoder="auto", every: int = 1, action: str = "warn",
                 patience: int = 0, batch_size: int = 256, max_rows: int = 2048, verbose: int = 1,
                 on_check=None):
        super().__init__()
        if action not in ("warn", "stop"):
            raise ValueError("action must be 'warn' or 'stop'")
        xs = [np.asarray(a) for a in _as_list(x)]
        n = min(len(a) for a in xs)
        n = min(n, max_rows)
        self.x = [a[:n] for a in xs] if isinstance(x, (list, tuple, dict)) else xs[0][:n]
        self.y = None if y is None else np.asarray(y)[:n]
        self.encoder, self.every, self.action, self.patience = encoder, max(1, int(every)), action, patience
        self.batch_size, self.verbose, self.on_check = batch_size, verbose, on_check
        self.history: list[dict] = []
        self._bad = 0

    # which model gives the embeddings
    def _encoder(self):
        enc = self.encoder
        if enc is None:
            return None
        if isinstance(enc, keras.Model):
            return enc
        if isinstance(enc, str) and enc != "auto":
            return self.model.get_layer(enc)
        xs = _as_list(self.x)
        nested = [l for l in self.model.layers if isinstance(l, keras.Model)]
        if len(nested) != 1 or len(xs) < 2:
            return None
        try:
            shape = tuple(nested[0].inputs[0].shape[1:]) if len(nested[0].inputs) == 1 else None
        except (AttributeError, IndexError):
            return None
        if shape is None or any(tuple(a.shape[1:]) != shape for a in xs):
            return None
        return nested[0]

    def check(self) -> dict:
        """Predict the held-out batch now and return the analysis (capture.analyze)."""
        xs = _as_list(self.x)
        names, outs = [], []
        enc = self._encoder()
        if enc is not None:
            for i, a in enumerate(xs[:2]):
                names.append(f"{enc.name}(input {i})")
                outs.append(np.asarray(enc.predict(a, batch_size=self.batch_size, verbose=0)))
        out = self.model.predict(self.x, batch_size=self.batch_size, verbose=0)
        for i, o in enumerate(_as_list(out)):
            names.append(f"output {i}" if isinstance(out, (list, tuple, dict)) else "output")
            outs.append(np.asarray(o))
        keys = [capture.fingerprint(a) for a in xs]
        final = [{"source": "CollapseMonitor", "site": "held-out batch", "names": names, "outputs": outs,
                  "input_keys": [keys], "labels": self.y, "label_source": "y given to CollapseMonitor"}]
        return capture.analyze(final)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        res = self.check()
        entry = {"epoch": epoch + 1, "what": res.get("headline_what"), "metric": res.get("headline_metric"),
                 "value": res.get("headline"), "collapsed": res.get("collapsed"), "reasons": res.get("reasons", [])}
        self.history.append(entry)
        if logs is not None and res.get("collapsed") is not None:
            logs["collapse"] = 1.0 if res["collapsed"] else 0.0
            if isinstance(res.get("headline"), float):
                logs[f"collapse_{res['headline_metric']}"] = res["headline"]
        if self.on_check is not None:
            self.on_check(entry, res)
        if not res.get("collapsed"):
            self._bad = 0
            return
        self._bad += 1
        msg = f"epoch {epoch + 1}: embeddings collapsed ({entry['what']}): " + "; ".join(entry["reasons"])
        if self.verbose:
            warnings.warn(msg, CollapseWarning, stacklevel=2)
        if self.action == "stop" and self._bad > self.patience:
            self.model.stop_training = True
