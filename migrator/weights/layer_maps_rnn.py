"""LAYER_MAPS entries for the rnn translations (see layer_maps.py for the interface).

tflearn 0.5.0 variable names inside a layer scope (checked in the legacy runtime):

    Embedding/W                                              [input_dim, output_dim]
    LSTM/LSTM/BasicLSTMCell/Linear/Matrix, .../Bias          [in + u, 4u], [4u]   gates i, j, f, o
    GRU/GRU/GRUCell/Gates/Linear/Matrix, .../Bias            [in + u, 2u], [2u]   gates r, u
    GRU/GRU/GRUCell/Candidate/Linear/Matrix, .../Bias        [in + u, u],  [u]
    SimpleRNN/SimpleRNN/BasicRNNCell/Linear/Matrix, .../Bias [in + u, u],  [u]
    BiRNN/bidirectional_rnn/fw/<Cell>/..., BiRNN/bidirectional_rnn/bw/<Cell>/...

(the layer group is ``LSTM``, so the short names start with the inner ``LSTM/``; a layer named
``name='lstm1'`` has ``lstm1/lstm1/...``). Keras layouts (``get_weights()`` order):

* LSTM: kernel [in, 4u], recurrent_kernel [u, 4u], bias [4u], gates i, f, c, o. TF1 adds
  ``forget_bias`` to the f gate at run time; the Keras translation starts that bias at
  ``forget_bias`` instead (``unit_forget_bias=True`` = 1.0, a ``TF1BlockConstant`` f block
  otherwise, ``unit_forget_bias=False`` = 0.0), so the converted f bias is TF1's + that
  offset, read back from the Keras layer.
* GRU (``reset_after=False``): kernel [in, 3u], recurrent_kernel [u, 3u], bias [3u], gates
  z (= TF1 u), r, h (= TF1 candidate).
* SimpleRNN: kernel [in, u], recurrent_kernel [u, u], bias [u].
* Bidirectional: the forward layer's weights, then the backward layer's.
"""
from __future__ import annotations

import numpy as np


def _pick(v: dict[str, np.ndarray], suffix: str) -> np.ndarray:
    hits = [k for k in v if k == suffix or k.endswith("/" + suffix)]
    if len(hits) != 1:
        raise KeyError(f"{suffix}: {sorted(v)}")
    return np.asarray(v[hits[0]])


def _cell_of(layer):
    return getattr(layer, "cell", layer)


def forget_offset(layer) -> float:
    """The f-gate bias the Keras LSTM starts from = TF1's run-time forget_bias."""
    if layer is None:
        return 1.0  # tflearn's default forget_bias
    cell = _cell_of(layer)
    if getattr(cell, "unit_forget_bias", False):
        return 1.0
    init = getattr(cell, "bias_initializer", None)
    values = getattr(init, "values", None)
    if type(init).__name__ == "TF1BlockConstant" and values is not None and len(values) == 4:
        return float(values[1])
    return 0.0


def _split(m: np.ndarray, units: int) -> tuple[np.ndarray, np.ndarray]:
    n_in = m.shape[0] - units
    if n_in <= 0:
        raise ValueError("matrix smaller than its state")
    return m[:n_in], m[n_in:]


def lstm_cell(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    m = _pick(v, "BasicLSTMCell/Linear/Matrix")
    b = _pick(v, "BasicLSTMCell/Linear/Bias")
    units = m.shape[1] // 4
    i, j, f, o = np.split(m, 4, axis=1)
    bi, bj, bf, bo = np.split(b, 4)
    k = np.concatenate([i, f, j, o], axis=1)
    bias = np.concatenate([bi, bf + np.asarray(forget_offset(layer), b.dtype), bj, bo])
    kernel, recurrent = _split(k, units)
    return [kernel, recurrent, bias]


def gru_cell(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    mg = _pick(v, "GRUCell/Gates/Linear/Matrix")
    bg = _pick(v, "GRUCell/Gates/Linear/Bias")
    mc = _pick(v, "GRUCell/Candidate/Linear/Matrix")
    bc = _pick(v, "GRUCell/Candidate/Linear/Bias")
    units = mc.shape[1]
    r, u = np.split(mg, 2, axis=1)
    br, bu = np.split(bg, 2)
    k = np.concatenate([u, r, mc], axis=1)
    kernel, recurrent = _split(k, units)
    return [kernel, recurrent, np.concatenate([bu, br, bc])]


def rnn_cell(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    m = _pick(v, "BasicRNNCell/Linear/Matrix")
    b = _pick(v, "BasicRNNCell/Linear/Bias")
    kernel, recurrent = _split(m, m.shape[1])
    return [kernel, recurrent, b]


_CELLS = {"BasicLSTMCell": lstm_cell, "GRUCell": gru_cell, "BasicRNNCell": rnn_cell}


def _any_cell(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    kinds = {c for c in _CELLS for k in v if f"{c}/" in k}
    if len(kinds) != 1:
        raise KeyError(f"one tflearn RNN cell expected: {sorted(v)}")
    return _CELLS[kinds.pop()](v, layer)


def bidirectional(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    out = []
    for side, sub in (("fw", "forward_layer"), ("bw", "backward_layer")):
        part = {k.split(f"/{side}/", 1)[1] if f"/{side}/" in k else k[len(side) + 1:]: a
                for k, a in v.items() if f"/{side}/" in k or k.startswith(f"{side}/")}
        if not part:
            raise KeyError(f"no {side} cell variables: {sorted(v)}")
        out.extend(_any_cell(part, getattr(layer, sub, None)))
    return out


def embedding(v: dict[str, np.ndarray], layer) -> list[np.ndarray]:
    return [_pick(v, "W")]


MAPS: dict = {
    "tflearn.layers.embedding_ops.embedding": embedding,
    "tflearn.layers.recurrent.lstm": lstm_cell,
    "tflearn.layers.recurrent.gru": gru_cell,
    "tflearn.layers.recurrent.simple_rnn": rnn_cell,
    "tflearn.layers.recurrent.bidirectional_rnn": bidirectional,
}
