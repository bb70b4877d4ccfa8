"""Towers built in a comprehension or a loop over ``enumerate`` (analysis/tower_lists.py, the
pre-step of TFM177): ``[embed(t, reuse=(k > 0)) for k, t in enumerate([a, p, n])]`` runs the
builder once per input with ``k`` its number, so TF1 creates the variables in the first pass and
reuses them in the others. The pre-step writes one statement per pass with ``k > 0`` as its value
(``reuse=False`` / ``True``), and TFM205 makes one encoder. A loop body that binds temporaries
before its ``append`` is folded when each is read once, by the next statement, before any other
call there (TF1's order of graph building kept); otherwise it is left as written. The sharing
interpreter reads ``<``, ``<=``, ``>``, ``>=`` of numbers. Fast tier: the text; slow tier: verify
and the AUCs of legacy and migrated training."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.analysis.tower_lists import unroll_tower_lists
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "enumerate_triplet_towers.py"
SOURCE = FIXTURE.read_text()
COMP = "outs = [embed(t, reuse=(k > 0)) for k, t in enumerate([anchor, pos, neg])]\n"


def _towers(out: str) -> str:
    return out[out.index("anchor = keras.Input("):out.index("d_pos =")]


@pytest.mark.parametrize("fixes", [False, True])
def test_enumerated_towers_become_one_encoder(fixes):
    out = migrate_text(SOURCE, fixes)
    assert TODO_MARKER not in out
    assert "embed(encoder_input, reuse=False)" in out
    assert "outs_0 = encoder(anchor)\nouts_1 = encoder(pos)\nouts_2 = encoder(neg)\n" in _towers(out)
    assert "emb = keras.Model(anchor, outs_0).predict_on_batch(X[1400:])" in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


@pytest.mark.parametrize("loop", [
    "outs = []\nfor k, t in enumerate((anchor, pos, neg)):\n    outs.append(embed(t, reuse=k != 0))\n",
    "outs = []\nfor k, t in enumerate([anchor, pos, neg]):\n    h = embed(t, reuse=k > 0)\n    outs.append(h)\n",
    "outs = []\nfor k, t in enumerate([anchor, pos, neg], 1):\n    h = embed(t, reuse=k >= 2)\n"
    "    h = tf.identity(h)\n    outs.append(h)\n",
], ids=["append", "temporary", "two-temporaries-start"])
def test_enumerated_loops_become_one_encoder(loop):
    src = SOURCE.replace(COMP, loop)
    assert src != SOURCE
    out = migrate_text(src, True)
    assert TODO_MARKER not in out
    assert "outs_0 = encoder(anchor)\nouts_1 = encoder(pos)\nouts_2 = encoder(neg)\n" in _towers(out)
    assert not undefined_names(out)


def _unrolled(src: str) -> str | None:
    new = unroll_tower_lists(cst.parse_module(src))
    return None if new is None else new.code


DEFS = "def net(x, reuse=False):\n    return x\n\n\ndef other(x):\n    return x\n\n\n"


def test_the_pre_step_writes_each_pass_with_its_number():
    code = _unrolled(DEFS + "outs = []\nfor i, x in enumerate([a, b]):\n    h = net(x, reuse=i > 0)\n"
                            "    outs.append(other(h) * 2)\nprint(outs[1])\n")
    assert code == DEFS + "outs_0 = other(net(a, reuse=False)) * 2\nouts_1 = other(net(b, reuse=True)) * 2\nprint(outs_1)\n"


@pytest.mark.parametrize("body", [
    # the temporary is read after the loop: it stays bound to the last pass there
    "    h = net(x, reuse=i > 0)\n    outs.append(h)\nprint(h)\n",
    # another call runs before the temporary is read: folding would change TF1's order
    "    h = net(x, reuse=i > 0)\n    outs.append(other(x) + h)\n",
    # read twice
    "    h = net(x, reuse=i > 0)\n    outs.append(h + h)\n",
    # not read by the statement right after it
    "    h = net(x, reuse=i > 0)\n    g = other(x)\n    outs.append(g + h)\n",
], ids=["read-after", "call-before", "read-twice", "not-next"])
def test_loops_whose_temporaries_cannot_be_folded_stay(body):
    assert _unrolled(DEFS + "outs = []\nfor i, x in enumerate([a, b]):\n" + body) is None


@pytest.mark.slow
def test_the_program_computes_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(FIXTURE, tmp_path)


@pytest.mark.slow
def test_the_migrated_program_ranks_pairs_like_tf1(tmp_path):
    from tests.legacy_pairs import legacy_and_migrated_aucs

    legacy, keras_auc = legacy_and_migrated_aucs(FIXTURE, migrate_text(SOURCE, True), tmp_path)
    assert legacy > 0.8 and abs(legacy - keras_auc) < 0.05, (legacy, keras_auc)
