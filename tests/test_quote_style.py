"""engine/quotes.py: the statements the migration writes use the input's quote style; the
input's own statements and the values of the strings stay as they are."""
from __future__ import annotations

import ast

from migrator.engine import migrate_source
from migrator.engine.quotes import preferred_quote
from migrator.options import Options

SRC = (
    "import tensorflow as tf\n"
    'x = tf.placeholder(tf.float32, [None, 4], name="x")\n'
    "y = tf.layers.conv2d(tf.reshape(x, [-1, 2, 2, 1]), 2, 2, padding=\"same\", name=\"conv\")\n"
    "h = tf.layers.dense(tf.layers.flatten(y), 3, activation=tf.nn.relu)\n"
    'print("it\'s done", \'kept\')\n'
)


def _strings(code: str) -> list[str]:
    return [n.value for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_preferred_quote_counts_one_line_literals():
    assert preferred_quote("a = 'x'\nb = 'y'\nc = \"z\"\n") == "'"
    assert preferred_quote('"""doc"""\na = "x"\n') == '"'
    assert preferred_quote("a = 1\n") is None
    assert preferred_quote("a = 'x'\nb = \"y\"\n") is None  # a tie: nothing to follow


def test_generated_statements_follow_the_input_quote():
    out = migrate_source(SRC, "q.py").code
    flat = migrate_source(SRC, "q.py", Options(wrap_lines=False)).code  # without the layout pass
    assert "padding='same'" in flat and "activation='relu'" in flat  # the rules' repr quotes
    generated = [ln for ln in out.splitlines() if "keras." in ln and "TODO" not in ln]
    assert generated
    assert not any("'" in ln for ln in generated), generated
    # the same values; the user's own line (a quote inside) is untouched
    assert sorted(_strings(out)) == sorted(_strings(flat))
    assert "print(\"it's done\", 'kept')" in out
    assert migrate_source(out, "q.py").code == out  # a second run changes nothing


def test_single_quoted_files_stay_single_quoted():
    src = SRC.replace('"x"', "'x'").replace('"same"', "'same'").replace('"conv"', "'conv'")
    out = migrate_source(src, "q.py").code
    generated = [ln for ln in out.splitlines() if "keras." in ln and "TODO" not in ln]
    assert generated and not any('"' in ln for ln in generated), generated


HEADERS = '''import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 4], name="x")
y = tf.placeholder(tf.float32, [None, 2], name="y")
step = tf.Variable(0, trainable=False, name="step")
out = tf.layers.dense(x, 2)
loss = tf.reduce_mean(tf.square(out - y))
train_op = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=step)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(3):
        sess.run(train_op, feed_dict={x: X, y: Y})
        if step.eval() % 2 == 0:
            print("even")
        elif i == 'odd': print('user line')
'''


def test_generated_compound_headers_follow_the_input_quote():
    # a header the migration wrote (``if <the step counter> % 2 == 0:``) gets the input's quote like the
    # simple statements; a header of the input, or a one-line compound statement, keeps its own
    out = migrate_source(HEADERS, "h.py").code
    assert 'if keras.ops.convert_to_numpy(keras.ops.cast(model.optimizer.iterations, "int32")) % 2 == 0:' in out
    assert "elif i == 'odd': print('user line')" in out
    assert migrate_source(out, "h.py").code in (None, out)
