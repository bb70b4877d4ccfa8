"""Forms of round AP's probe programs (written in our own words after public TF1 Siamese and
triplet code found through the code index), each of which kept a migrated program from running:

* a model class owning its session that initialises through a name,
  ``init = tf.global_variables_initializer()`` + ``self.sess.run(init)`` in ``__init__``: the
  class stayed TF1 ("self.sess is read other than by its runs"; only the inline
  ``self.sess.run(tf.global_variables_initializer())`` was accepted). Now the run and the binding
  go with the session, as the inline form did.

Regression tier (no TensorFlow): the text; slow: verify against TF1."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.check import legacy_refs_outside_todo
from tests.outputs import assert_idempotent, body, migrate_text, undefined_names

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "real_sweep"
NAMED_INIT = FIX / "latent_triplet_named_init.py"


def _clean(out: str, fixes: bool) -> None:
    assert TODO_MARKER not in out
    assert not legacy_refs_outside_todo(out)
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


# -- an owned session initialised through a name ------------------------------------------------------

@pytest.mark.parametrize("fixes", [False, True])
def test_a_named_initializer_run_goes_with_the_owned_session(fixes):
    out = migrate_text(NAMED_INIT.read_text(), fixes)
    _clean(out, fixes)
    code = body(out)
    assert "tf.Session" not in code and "init =" not in code and ".run(init)" not in code
    assert "self.train_step = LossModel([self.anchor, self.positive, self.negative], self.loss)" in code
    # the evaluation run of the class's own tensors becomes a model of them
    assert "self.sess" not in code
    assert "keras.Model([self.anchor, self.compare], self.comparison).predict_on_batch(" in code


def test_the_inline_and_named_initializer_give_one_output():
    src = NAMED_INIT.read_text()
    inline = src.replace("        init = tf.global_variables_initializer()\n        self.sess.run(init)\n",
                         "        self.sess.run(tf.global_variables_initializer())\n")
    assert inline != src
    assert migrate_text(inline, False) == migrate_text(src, False)


@pytest.mark.parametrize("extra", [
    "        print(init)\n",  # the initializer read otherwise: not only by the session's run
    "        init = None\n",  # bound twice
])
def test_an_initializer_name_used_otherwise_stays_marked(extra):
    # the class still translates (its session run goes); the binding stays, TODO-marked
    src = NAMED_INIT.read_text()
    old = "        self.sess.run(init)\n"
    assert old in src
    out = migrate_text(src.replace(old, old + extra), False)
    code = body(out)
    assert "self.sess" not in code and ".run(init)" not in code
    assert "TFM100 no Keras translation for\n        #   tensorflow.global_variables_initializer\n" \
           "        init = tf.global_variables_initializer()\n" + extra in code
    assert not undefined_names(out)


@pytest.mark.slow
def test_the_named_init_program_computes_what_tf1_computes(tmp_path):
    from tests.legacy_pairs import assert_equivalent

    assert_equivalent(NAMED_INIT, tmp_path)
