"""Map UNNAMED legacy variables to Keras layers by where the graph uses them (numpy only).

Programs written after the TF MNIST tutorial create their weights without names
(``tf.Variable(tf.truncated_normal(shape, stddev=0.1))`` in a ``weight_variable`` helper, or
``weights = {'wc1': tf.Variable(...), ...}``); TF1 calls them ``Variable``, ``Variable_1``,
... and the name matcher (``mapping.py``) has no role to go by. Creation order is no help
either: a weight dict creates every kernel before every bias, and two unshared towers create
variables of the same shapes twice.

What is used instead is the position of each variable in the legacy graph, which the legacy
probe records (``probe_legacy._var_uses``) for every forward op that reads it:

* ``kernel``: read by a MatMul / Conv2D / ... (a *weighted op*); the position is the set of fed
  placeholders the op is computed from (``deps``, by name) and its ``depth``: the number of
  weighted ops on the longest path from the placeholders, this one included;
* ``bias``: read by an Add / BiasAdd whose other input is a weighted op (``partner``: the
  kernel that op reads); it goes into the kernel's layer.

The Keras side gives the same two numbers for each call of a layer (``keras_side.positions``:
model inputs -> the legacy placeholders they take, layers with a kernel counted). A variable
read at several places (shared by two towers) has several positions, as has a Keras layer
called several times. A Keras layer takes the one legacy unit (kernel + its bias) with the
same set of positions and the same shapes; with several such units the match is AMBIGUOUS
and nothing is guessed (the layer is left unmapped with the candidates named, and verify
refuses the partial load); with none it is unmapped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# TF1's default name of an unnamed variable (last path component)
UNNAMED = re.compile(r"^Variable(_\d+)?$")


def is_unnamed(name: str) -> bool:
    return bool(UNNAMED.match(name.rsplit("/", 1)[-1]))


Position = tuple  # (tuple of placeholder names, depth)


def positions_of(uses: list[dict], role: str) -> frozenset:
    return frozenset((tuple(sorted(u["deps"])), int(u["depth"])) for u in uses if u.get("role") == role)


@dataclass
class Unit:
    """A legacy layer: one kernel and the bias added to its op's output (if any)."""

    kernel: object                      # LegacyVar
    positions: frozenset
    bias: object = None                 # LegacyVar
    biases: list = field(default_factory=list)   # every bias claiming this kernel

    @property
    def names(self) -> list[str]:
        return [self.kernel.name] + ([self.bias.name] if self.bias is not None else [])


def units(lvars: list, uses: dict[str, list[dict]]) -> tuple[list[Unit], list[tuple[object, str]]]:
    """Legacy units from the variables' recorded uses -> (units, [(variable, why not in a unit)])."""
    out: dict[str, Unit] = {}
    left: list[tuple[object, str]] = []
    for v in lvars:
        us = uses.get(v.name) or []
        roles = {u.get("role") for u in us}
        if roles == {"kernel"}:
            out[v.name] = Unit(v, positions_of(us, "kernel"))
    for v in lvars:
        if v.name in out:
            continue
        us = uses.get(v.name) or []
        roles = {u.get("role") for u in us}
        partners = {u.get("partner") for u in us}
        if not us:
            left.append((v, "no forward op of the legacy graph reads it"))
        elif roles == {"bias"} and len(partners) == 1 and next(iter(partners)) in out:
            out[next(iter(partners))].biases.append(v)
        else:
            left.append((v, f"read as {', '.join(sorted(str(r) for r in roles))} "
                            "(only kernels of MatMul/Conv ops and the biases added to them are placed)"))
    for u in out.values():
        if len(u.biases) == 1:
            u.bias = u.biases[0]
        elif u.biases:
            left.extend((b, f"one of {len(u.biases)} biases added to {u.kernel.name}'s op") for b in u.biases)
    return list(out.values()), left


def _layer_roles(k) -> list[str] | None:
    roles = [w.rsplit("/", 1)[-1].split(":")[0] for w in k.weight_names]
    if roles in (["kernel"], ["kernel", "bias"], ["embeddings"]):
        return roles
    return None


def _fmt(pos: frozenset) -> str:
    return "; ".join(f"{'+'.join(d) or '-'} depth {n}" for d, n in sorted(pos))


def match(klayers: list, positions: dict, lvars: list, uses: dict[str, list[dict]]):
    """Keras layers (``KLayer``; ``positions[k.name]``: the frozenset of their calls' positions) x
    unnamed legacy variables -> (assignments [(k, [legacy vars])], unmapped [(k, why)],
    variables that are in no unit [(v, why)])."""
    us, left = units(lvars, uses)
    taken: set[int] = set()
    done, unmapped = [], []
    for k in klayers:
        roles = _layer_roles(k)
        pos = positions.get(k.name)
        if roles is None:
            unmapped.append((k, "unnamed legacy variables are placed only for kernel (+ bias) layers"))
            continue
        if not pos:
            unmapped.append((k, "its position in the Keras model is unknown (not a functional graph)"))
            continue
        want_bias = "bias" in roles
        cands = [i for i, u in enumerate(us) if i not in taken and u.positions == pos
                 and u.kernel.shape == tuple(k.shapes[0]) and (u.bias is not None) == want_bias
                 and (not want_bias or u.bias.shape == tuple(k.shapes[1]))]
        if len(cands) == 1:
            taken.add(cands[0])
            u = us[cands[0]]
            done.append((k, [u.kernel] + ([u.bias] if want_bias else [])))
        elif cands:
            unmapped.append((k, "AMBIGUOUS: " + ", ".join("+".join(us[i].names) for i in cands)
                             + f" have its shapes and its position ({_fmt(pos)}); not guessing"))
        else:
            unmapped.append((k, f"no unnamed legacy kernel{' + bias' if want_bias else ''} of shape "
                                f"{', '.join(str(tuple(s)) for s in k.shapes)} read at its position ({_fmt(pos)})"))
    return done, unmapped, left
