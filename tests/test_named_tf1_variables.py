"""verify / weights place a ``TF1Variable`` (TFM135: a variable no layer owns, read directly by
tensor ops) by the name TF1 gave it, which the migration carries as ``tf1_name``: a learned
cosine scale / shift (``tf.Variable(5.0, name='scale')``, held-out d_cosine_losses) was
UNMAPPED / UNUSED (its weight is called ``variable``, no role; named scalars are not placed by
graph structure). Fast: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from migrator.weights.mapping import KLayer, plan
from migrator.weights.naming import LegacyVar, LegacyVars


class _Layer:
    def __init__(self, tf1_name):
        self.tf1_name = tf1_name


def _k(name, tf1_name, shape=()):
    return KLayer(name, "TF1Variable", ["variable"], [shape], _Layer(tf1_name))


def _lv(*pairs):
    return LegacyVars([LegacyVar(n, np.asarray(v, np.float32), True, i) for i, (n, v) in enumerate(pairs)],
                      order_known=True)


def test_named_scalars_are_placed_by_their_tf1_name_not_by_order():
    lv = _lv(("scale:0", 5.0), ("shift:0", -2.0))
    # created in the other order on the Keras side: the names decide, not the order
    p = plan(lv, [_k("tf1_variable", "shift"), _k("tf1_variable_1", "scale")])
    assert p.complete, p.lines()
    got = {a.klayer.name: (a.legacy, float(a.arrays[0])) for a in p.assignments}
    assert got == {"tf1_variable": (["shift:0"], -2.0), "tf1_variable_1": (["scale:0"], 5.0)}


def test_a_name_under_a_scope_is_matched_by_its_last_component():
    p = plan(_lv(("head/scale:0", 5.0)), [_k("tf1_variable", "scale")])
    assert p.complete and p.assignments[0].legacy == ["head/scale:0"]


def test_the_optimizer_slots_of_a_named_variable_stay_slots():
    # yoon28_siamnet's dist_comp/alpha, trained with Adam: its slots are ignored, not UNUSED
    lv = _lv(("dist_comp/alpha", [[1.0, 2.0]]), ("train/dist_comp/alpha/Adam", [[0.0, 0.0]]),
             ("train/dist_comp/alpha/Adam_1", [[0.0, 0.0]]))
    for v in lv.vars[1:]:
        v.trainable = False
    p = plan(lv, [_k("tf1_variable", "alpha", (1, 2))])
    assert p.complete, p.lines()
    assert len(p.ignored) == 2


def test_a_name_outranks_creation_order():
    # a lone variable per scope is otherwise taken whole by the first layer that fits
    lv = _lv(("a/alpha:0", 1.0), ("b/beta:0", 2.0))
    p = plan(lv, [_k("tf1_variable", "beta"), _k("tf1_variable_1", "alpha")])
    assert p.complete
    assert {a.klayer.name: a.legacy for a in p.assignments} == {"tf1_variable": ["b/beta:0"],
                                                               "tf1_variable_1": ["a/alpha:0"]}


def test_negative_controls_stay_unmapped():
    # no tf1_name (unnamed tf.Variables): two scalars of one scope are not told apart - the
    # held-out program's UNMAPPED / UNUSED before the migration carried the names
    p = plan(_lv(("scale:0", 5.0), ("shift:0", -2.0)), [_k("tf1_variable", None), _k("tf1_variable_1", None)])
    assert not p.complete
    # another shape: never placed by the name
    assert not plan(_lv(("scale:0", [5.0, 1.0])), [_k("tf1_variable", "scale")]).complete
    # two scopes spell the same last name: not guessed
    p = plan(_lv(("a/scale:0", 5.0), ("b/scale:0", 4.0)), [_k("tf1_variable", "scale")])
    assert not any(a.how == "TF1 name" for a in p.assignments)


@pytest.mark.slow
def test_named_scalars_verify_equivalent_and_swapped_names_fail(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_many

    legacy = Path(__file__).resolve().parent / "fixtures" / "verify" / "named_scalars.py"
    faithful = migrate_faithful(legacy, tmp_path / "m")
    src = faithful.read_text(encoding="utf-8")
    assert "tf1_name='temperature'" in src and "tf1_name='offset'" in src
    swapped = tmp_path / "swapped.py"
    swapped.write_text(src.replace("tf1_name='temperature'", "tf1_name='@'").replace("tf1_name='offset'",
                       "tf1_name='temperature'").replace("tf1_name='@'", "tf1_name='offset'"), encoding="utf-8")
    good, bad = verify_many(legacy, [faithful, swapped], workdir=tmp_path / "v")
    ok, lines = judge(good)
    assert ok, "\n".join(lines + good.get("mapping", []))
    assert sum("(TF1 name)" in line for line in good.get("mapping", [])) == 2, good.get("mapping")
    ok, lines = judge(bad)
    assert not ok, "swapped scalars must be caught:\n" + "\n".join(lines)
