"""``tf.get_variable_scope().name`` read by layer helpers that log it (TFM138): the variable
scopes the migration drops keep their names as ``tf1_variable_scope`` blocks and the read becomes
``tf1_scope_name()``, the same path TF1 gave. Fast tier: the text and the helpers' behaviour;
slow tier: the names the legacy program and its migration log, compared."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator import TODO_MARKER
from migrator.helpers import source_text
from tests.outputs import assert_idempotent, migrate_text, undefined_names

FIXTURE = Path(__file__).parent / "fixtures" / "real_sweep" / "scope_name_logging.py"
SOURCE = FIXTURE.read_text()


@pytest.mark.parametrize("fixes", [False, True])
def test_scope_names_are_read_from_the_kept_scope_path(fixes):
    out = migrate_text(SOURCE, fixes)
    assert TODO_MARKER not in out and "tf.get_variable_scope()" not in out.split('"""', 2)[2].replace(
        "# TF1's tf.get_variable_scope().name", "")
    assert "    scope_name = tf1_scope_name()\n" in out
    assert "    with tf1_variable_scope('net'):\n        with tf1_variable_scope('fc1'):\n" in out
    assert "with tf1_variable_scope('fc' + str(2)):" in out
    assert "LOGGED.append(tf1_scope_name())" in out
    assert not undefined_names(out)
    assert_idempotent(out, fixes)


def test_the_helpers_give_tf1s_path():
    ns: dict = {}
    exec(source_text("tf1", "tf1_variable_scope", also=("TF1_SCOPE_STACK", "TF1_SCOPED_LAYERS", "tf1_scoped_layer"))
         + "\n" + source_text("tf1", "tf1_scope_name"), ns)
    scope, name = ns["tf1_variable_scope"], ns["tf1_scope_name"]
    seen = [name()]
    with scope("net"):
        seen.append(name())
        with scope("conv1"):
            seen.append(name())
        with scope("conv1", reuse=True):  # re-entered: TF1's name is the same path
            seen.append(name())
    seen.append(name())
    assert seen == ["", "net", "net/conv1", "net/conv1", ""]


@pytest.mark.parametrize("change", [
    # a scope object (``as scope``): its name is not a string the migration can keep
    ("    with tf.variable_scope('net'):\n", "    with tf.variable_scope('net') as scope:\n"),
    # a uniquified default name
    ("    with tf.variable_scope('net'):\n", "    with tf.variable_scope(None, default_name='net'):\n"),
])
def test_a_scope_whose_name_is_not_a_given_string_keeps_the_read_marked(change):
    old, new = change
    out = migrate_text(SOURCE.replace(old, new), False)
    code = out.split('"""', 2)[2]
    assert "tf1_scope_name" not in code and TODO_MARKER in code
    assert "tf.get_variable_scope().name" in code and not undefined_names(out)


@pytest.mark.parametrize("fixes", [False, True])
def test_a_read_left_marked_stays_so_in_a_second_run(fixes):
    """BERT's modeling.py: an unnamed scope (``default_name=``) keeps the read marked, the scopes
    themselves are dropped; the second run saw a read and no scope, and made it tf1_scope_name()
    (an empty path where TF1's was 'bert/...')."""
    src = SOURCE.replace("    with tf.variable_scope('net'):\n",
                         "    with tf.variable_scope(None, default_name='net'):\n")
    out = migrate_text(src, fixes)
    assert "tf.get_variable_scope().name" in out and "tf1_scope_name" not in out.split('"""', 2)[2]
    assert_idempotent(out, fixes)


@pytest.mark.slow
def test_the_migration_logs_the_names_tf1_logged(tmp_path):
    from tests.legacy_pairs import run_pair

    got, want = run_pair(FIXTURE, tmp_path, lambda src: migrate_text(src, False))
    assert want["names"] == ["net/fc1", "net/fc2", ""]
    assert got == want
