"""The layout pass (engine/layout.py): statements the migration wrote are wrapped at 100
columns, black-style, and nothing else changes - the same code (AST) as the unwrapped output,
the user's own long lines, TODO lines and helper definitions as they were. Fast tier."""
from __future__ import annotations

import ast

import libcst as cst

import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.engine.layer_lines import one_layer_call_per_line
from migrator.engine.layout import LIMIT
from migrator.helpers import HELPERS, defines
from migrator.options import Options
from migrator.rules import all_rules

from .marks import marker_above, unwrap_markers

CONTRASTIVE = (
    "import tensorflow as tf\n"
    "x1 = tf.placeholder(tf.float32, [None, 4])\nx2 = tf.placeholder(tf.float32, [None, 4])\n"
    "y = tf.placeholder(tf.float32, [None])\n"
    "def tower(x):\n    with tf.variable_scope('t', reuse=tf.AUTO_REUSE):\n"
    "        return tf.layers.dense(x, 2, name='fc')\n"
    "d = tf.sqrt(tf.reduce_sum(tf.square(tower(x1) - tower(x2)), 1) + 1e-6)\n"
    "loss = tf.reduce_mean(y * tf.square(d) + (1.0 - y) * tf.square(tf.maximum(1.0 - d, 0.0)) + 0.0 * tf.reduce_sum(d))\n"
    "train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
    "# a long line of the user's own, which the migration does not touch: it stays as written ..........\n"
    "names = ['a very long list of names', 'that the user wrote on one line', 'and the tool must leave alone']\n"
)


def _both(src: str, **kw) -> tuple[str, str]:
    wrapped = migrate_source(src, "t.py", Options(**kw)).code
    flat = migrate_source(src, "t.py", Options(wrap_lines=False, **kw)).code
    return wrapped, flat


def test_a_long_generated_statement_is_wrapped_and_is_the_same_code():
    wrapped, flat = _both(CONTRASTIVE)
    long_flat = [ln for ln in flat.splitlines() if len(ln) > LIMIT and "names = [" not in ln]
    assert long_flat, "the unwrapped output has a long generated line (else this test proves nothing)"
    assert wrapped != flat
    assert ast.dump(ast.parse(wrapped)) == ast.dump(ast.parse(flat))
    for ln in wrapped.splitlines():
        assert len(ln) <= LIMIT or "names = [" in ln or TODO_MARKER in ln, ln
    # black's shape: the call's arguments one level in, the closing bracket back out
    assert "    return keras.ops.mean(\n        y * keras.ops.square(d)\n        + " in wrapped
    assert "\n    )\n" in wrapped


def test_the_users_own_long_line_stays():
    wrapped, _ = _both(CONTRASTIVE)
    user = [ln for ln in CONTRASTIVE.splitlines() if ln.startswith("names = [")][0]
    assert len(user) > LIMIT and user in wrapped.splitlines()


def test_a_second_run_changes_nothing():
    wrapped, _ = _both(CONTRASTIVE)
    assert migrate_source(wrapped, "t.py", Options()).code == wrapped


def test_todo_lines_are_not_wrapped():
    src = ("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\n"
           "q = tf.FIFOQueue(capacity=100000000, dtypes=[tf.float32, tf.float32, tf.float32, tf.float32], shapes=[[4], [4], [4], [4]])\n")
    wrapped, flat = _both(src)
    assert TODO_MARKER in flat
    todo = [ln for ln in flat.splitlines() if TODO_MARKER in ln or "FIFOQueue" in ln]
    for ln in todo:
        assert ln in wrapped.splitlines()


def test_helper_definitions_keep_the_registered_text():
    all_rules()
    src = ("import tflearn\nfrom tflearn.data_utils import shuffle\nX, Y = shuffle([[1.0]] * 4, [0, 1, 0, 1])\n")
    wrapped, _ = _both(src)
    assert HELPERS["tflearn_shuffle"].code in wrapped


HELPER_NAMES = {b for n in HELPERS for b in defines(n)}


@pytest.mark.slow  # no TensorFlow, but every rule example migrated twice: the slow tier's budget
def test_every_rule_example_wraps_to_the_same_code():
    """Over every INVALID rule example (in its own mode): the wrapped output is the unwrapped
    output's code, and what stays over 100 columns carries a comment (a TODO marker stays on its
    code's line), is the input's or a helper's text, or has nothing the pass can split. (An
    output without a line over 100 columns is left alone by construction: it is not migrated
    twice.)"""
    checked = 0
    for rule in all_rules():
        for case in rule.INVALID:
            if case.after is None:
                continue
            opts = dict(fixes=case.fixes, unsafe_fixes=case.unsafe_fixes,
                        select=frozenset({rule.ID, *rule.REQUIRES, *case.requires}))
            flat = migrate_source(case.before, "t.py", Options(wrap_lines=False, **opts)).code
            if all(len(ln) <= LIMIT for ln in flat.splitlines()):
                continue
            wrapped = migrate_source(case.before, "t.py", Options(**opts)).code
            if wrapped == flat:
                continue
            checked += 1
            # the layout pass also splits nested layer chains (engine/layer_lines.py, its own test):
            # wrapping is layout only against the flat output so split
            split = one_layer_call_per_line(cst.parse_module(flat), case.before, HELPER_NAMES).code
            assert ast.dump(ast.parse(wrapped)) == ast.dump(ast.parse(split)), (rule.ID, case.before)
            mine = {ln.strip() for ln in case.before.splitlines()}
            helper_text = {ln.strip() for h in HELPERS.values() for ln in h.code.splitlines()}
            flat_lines = set(flat.splitlines())
            for ln in wrapped.splitlines():
                if ln in flat_lines and ln.rstrip().endswith(","):
                    continue  # an argument line of a call a rule wrapped already (not re-laid out)
                if len(ln) > LIMIT and "#" not in ln \
                        and ln.strip() not in mine and ln.strip() not in helper_text and "\\" not in ln:
                    # a long string literal or an operator chain the pass cannot break: allowed only
                    # when no call or list in it could be split
                    assert "(" not in ln.strip()[:-1] or ln.count("(") == ln.count(")") and "," not in ln, (rule.ID, ln)
    assert checked >= 20


def test_a_bare_generator_argument_gets_no_trailing_comma():
    from libcst import parse_module

    from migrator.engine.layout import wrap_long_lines

    src = "x = sum(value_of_something_long_enough(v) for v in range(1000000000) if v % 7 == 3 and v % 11 == 5 and v > 0)\n"
    out = wrap_long_lines(parse_module(src), "", set()).code
    compile(out, "g.py", "exec")
    assert ast.dump(ast.parse(out)) == ast.dump(ast.parse(src))


def _long_new(code: str, src: str) -> list[str]:
    mine = {ln.strip() for ln in src.splitlines()}
    return [ln for ln in code.splitlines() if len(ln) > LIMIT and ln.strip() not in mine]


def test_a_migration_comment_past_the_limit_goes_above_its_statement_wrapped():
    from migrator.engine.layout import _comment_lines

    lines = _comment_lines("# " + " ".join(["word"] * 60), 8)
    texts = [ln.comment.value for ln in lines]
    assert len(texts) > 1 and all(8 + len(t) <= LIMIT for t in texts)
    assert texts[0].startswith("# word") and all(t.startswith("#   word") for t in texts[1:])
    assert " ".join(t.lstrip("# ") for t in texts) == " ".join(["word"] * 60)  # no word lost
    todo = [ln.comment.value for ln in _comment_lines(f"# {TODO_MARKER}: TFM100 " + "x " * 80, 8)]
    # a TODO marker wraps too: its first line names the marker and the rule, then continuation lines
    assert len(todo) > 1 and todo[0].startswith(f"# {TODO_MARKER}: TFM100 x") and all(8 + len(t) <= LIMIT for t in todo)
    assert all(t.startswith("#   x") for t in todo[1:])
    assert " ".join(t.lstrip("# ") for t in todo[1:]).split() == ["x"] * (80 - todo[0].count(" x"))


def test_todo_marker_past_the_limit_sits_directly_above_its_code():
    src = ("import tensorflow as tf\n"
           "def f():\n    for i in range(3):\n        with tf.Session() as s:\n"
           "            saver_for_the_checkpoints_of_this_model = tf.train.Saver(max_to_keep=5)\n"
           "            print(saver_for_the_checkpoints_of_this_model)\n")
    wrapped, flat = _both(src)
    assert ast.dump(ast.parse(wrapped)) == ast.dump(ast.parse(flat))  # comments only moved
    lines = wrapped.splitlines()
    at = next(i for i, ln in enumerate(lines) if "saver_for_the_checkpoints_of_this_model = tf.train.Saver" in ln)
    flat_line = next(ln for ln in flat.splitlines() if "saver_for_the_checkpoints_of_this_model = tf.train.Saver" in ln)
    assert TODO_MARKER in flat_line and len(flat_line) > LIMIT  # what the layout pass had to move
    assert TODO_MARKER not in lines[at] and marker_above(lines, at)  # wrapped, directly above its code
    assert marker_above(lines, at) == "# " + flat_line.partition("  # ")[2]  # no word lost
    indent = len(lines[at]) - len(lines[at].lstrip())
    assert lines[at - 1].startswith(" " * indent + "#")  # at the statement's indentation
    assert _long_new(wrapped, src) == []  # the marker wrapped at 100 columns too
    assert migrate_source(wrapped, "t.py", Options()).code == wrapped


def test_a_generated_statement_over_several_lines_is_laid_out_again():
    # a rule that writes ``f(a, b, ..., callbacks=[\n    ...,\n])`` with a first line past the limit:
    # joined and wrapped black-style, the same code
    from migrator.engine.layout import wrap_long_lines

    out = ("model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs, shuffle=False, verbose=0, callbacks=[\n"
           "    keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: losses.append(logs['loss'])),\n"
           "])\n"
           "d = {'a_rather_long_key_name': compute_something(first_argument), 'another_key': other_thing(x, y, z)}\n"
           "print('accuracy of the model on the whole test set:', \\\n"
           "      evaluate(keras_model, test_images_of_the_digits_dataset, test_labels_of_the_digits_dataset_again))\n")
    new = wrap_long_lines(cst.parse_module(out), "model.fit(x, y)\n", set()).code
    assert ast.dump(ast.parse(new)) == ast.dump(ast.parse(out))
    assert all(len(ln) <= LIMIT for ln in new.splitlines()), new
    assert "    callbacks=[\n" in new and "    'another_key': other_thing(x, y, z),\n" in new
    assert "\\" not in new  # the backslash continuation joined, then wrapped in brackets
    # the user's own multi-line statement (its long line is in the input) stays as written
    assert wrap_long_lines(cst.parse_module(out), out, set()).code == out


def test_the_users_comment_on_a_changed_line_stays_on_it():
    src = ("import tflearn\nnet = tflearn.input_data([None, 784])\n"
           'net = tflearn.fully_connected(net, 64, activation="relu", name="hidden_layer_one")'
           "  # the user's own note, which stays at the end\n")
    out = migrate_source(src, "t.py", Options()).code
    assert any(ln.endswith("  # the user's own note, which stays at the end") for ln in out.splitlines())
    assert not any(ln.strip().startswith("# the user's own note") for ln in out.splitlines())


def test_a_tuple_and_a_dict_wrap_one_element_per_line():
    from migrator.engine.layout import wrap_long_lines

    out = ("steps = [(train_gen, (convert(z_values_of_the_generator, dtype='float32'), "
           "convert(batch_images_of_the_real_data, dtype='float32')))]\n")
    new = wrap_long_lines(cst.parse_module(out), "", set()).code
    assert ast.dump(ast.parse(new)) == ast.dump(ast.parse(out))
    assert all(len(ln) <= LIMIT for ln in new.splitlines()), new


def test_a_string_ending_in_f_is_not_taken_for_an_f_string():
    # ``float('-inf')`` holds ``f'``: the statement is still wrapped (only a real f-string is left alone)
    from libcst import parse_module

    from migrator.engine.layout import wrap_long_lines

    src = ("def hard_pos(labels, emb, dist):\n"
           "    return keras.ops.max(keras.ops.where(pos_mask(labels), dist, keras.ops.ones_like(dist)"
           " * float('-inf')), axis=1)[:keras.ops.shape(emb)[0]]\n")
    out = wrap_long_lines(parse_module(src), "", set()).code
    assert all(len(ln) <= LIMIT for ln in out.splitlines()), out
    assert ast.dump(ast.parse(out)) == ast.dump(ast.parse(src))
    fsrc = src.replace("float('-inf')", "float(f'-{emb}')")
    assert wrap_long_lines(parse_module(fsrc), "", set()).code == fsrc  # a real f-string: kept


WRAPPED_TODOS = (
    "import tensorflow as tf\n"
    "def tower(x, reuse=False):\n"
    "    with tf.variable_scope('tower_with_a_rather_long_name', reuse=reuse):\n"
    "        return tf.layers.dense(x, 2, name='fc')\n"
    "a = tf.placeholder(tf.float32, [None, 4])\nb = tf.placeholder(tf.float32, [None, 4])\n"
    "d = tower(a) - tower(b, reuse=True)\n"
    "with tf.Session() as sess:\n"
    "    sess.run(tf.global_variables_initializer())\n"
    "    print(sess.run(d, feed_dict={a: [[1.0] * 4], b: [[2.0] * 4]}))\n")


@pytest.mark.parametrize("fixes", [False, True])
def test_wrapped_todo_markers_count_once_and_a_second_run_changes_nothing(fixes):
    """A TODO marker past 100 columns is wrapped (no new long line): the marker counts once per
    statement as before (continuation lines do not repeat it), its message is whole when joined
    back, and a second run leaves it as it is."""
    opts = dict(fixes=fixes, ignore=frozenset({"TFM205"}))
    wrapped, flat = _both(WRAPPED_TODOS, **opts)
    assert ast.dump(ast.parse(wrapped)) == ast.dump(ast.parse(flat))
    assert wrapped.count(TODO_MARKER) == flat.count(TODO_MARKER) > 0
    assert any(len(ln) > LIMIT and TODO_MARKER in ln for ln in flat.splitlines())  # (else proves nothing)
    assert _long_new(wrapped, WRAPPED_TODOS) == []
    def messages(code):  # each marker's text, from the marker on
        return sorted(ln[ln.index(TODO_MARKER):] for ln in code.splitlines() if TODO_MARKER in ln)

    assert messages(unwrap_markers(wrapped)) == messages(flat)
    assert migrate_source(wrapped, "t.py", Options(**opts)).code == wrapped


def test_helpers_module_header_is_one_line():
    from migrator.helpers import module_source

    all_rules()
    text = module_source(["tflearn_shuffle"])
    assert text.splitlines()[0].startswith('"""') and text.splitlines()[0].endswith('"""')
    assert len(text.splitlines()[0]) <= LIMIT
