"""TF1Program analysis (analysis/tf1_program.py) and the shared-encoder builders (translate/encoder.py)."""
from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, QualifiedNameProvider, ScopeProvider

from libcst._metadata_dependent import LazyValue

from migrator.emit import code
from migrator.engine import FileContext, LegacyBindings
from migrator.names import NameResolver
from migrator.options import Options
from migrator.translate.encoder import apply_encoder, encoder_statements, free_name, tower_calls
from migrator.analysis.tf1_program import TF1Program


def analyse(src: str):
    wrapper = MetadataWrapper(cst.parse_module(src))
    module = wrapper.module
    res = wrapper.resolve_many([QualifiedNameProvider, ScopeProvider, ParentNodeProvider, PositionProvider])
    ctx = FileContext(CodemodContext(), Options(), "t.py")

    def meta(provider, node, default=None):
        v = res[provider].get(node, default)
        return v() if isinstance(v, LazyValue) else v

    ctx._meta = meta
    ctx.module = module
    ctx.resolver = NameResolver(module, ctx._meta)
    ctx.bindings = LegacyBindings(module, ctx.resolver)
    return ctx, ctx.analysis(TF1Program)


SIAMESE = '''
import numpy as np
import tensorflow as tf

def tower(x):
    h = tf.layers.dense(x, 32, activation=tf.nn.relu, name="fc1")
    h = tf.nn.dropout(h, keep_prob)
    return tf.layers.dense(h, 8, name="fc2")

def train(a, b, y, epochs):
    x1 = tf.placeholder(tf.float32, [None, 64])
    x2 = tf.placeholder(tf.float32, [None, 64])
    label = tf.placeholder(tf.float32, [None])
    keep_prob = tf.placeholder(tf.float32)
    with tf.variable_scope("siamese") as scope:
        o1 = tower(x1)
        scope.reuse_variables()
        o2 = tower(x2)
    d = tf.sqrt(tf.reduce_sum(tf.square(o1 - o2), 1) + 1e-6)
    pos = label * tf.square(d)
    loss = tf.reduce_mean(pos + (1 - label) * tf.square(tf.maximum(1.0 - d, 0.0)))
    train_op = tf.train.AdamOptimizer(0.001).minimize(loss)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for e in range(epochs):
            _, l = sess.run([train_op, loss], feed_dict={x1: a, x2: b, label: y, keep_prob: 0.5})
        emb = sess.run(o1, feed_dict={x1: a, keep_prob: 1.0})
        saver.save(sess, "m.ckpt")
    return l, emb
'''


def test_program_roles_runs_and_model_reads():
    ctx, tp = analyse(SIAMESE)
    assert tp.session_names == {"sess"} and tp.saver_names == {"saver"}
    (prog,) = tp.programs.values()
    roles = {n: p.role for n, p in prog.placeholders.items()}
    assert roles == {"x1": "input", "x2": "input", "label": "label", "keep_prob": "hyper"}
    assert {"o1", "o2", "d", "pos", "loss"} <= prog.tensors
    assert "l" not in prog.tensors and "emb" not in prog.tensors  # fetched NumPy values
    assert prog.is_model_tensor("d") and not prog.is_model_tensor("loss")
    assert prog.label_dependent("pos") and prog.label_dependent("loss")
    assert prog.model_reads("loss") == ["d"]
    assert prog.label_chain("loss") == ["pos", "loss"]
    assert prog.labels_of("loss") == ["label"]
    (op,) = prog.train_ops
    assert op.name == "train_op" and op.loss == "loss"
    init, train, ev = prog.runs
    assert init.initializer and train.train_op is op and ev.train_op is None
    assert train.fetch_names == ["train_op", "loss"] and set(train.feeds) == {"x1", "x2", "label", "keep_prob"}
    assert code(train.feeds["keep_prob"]) == "0.5" and ev.fetch_names == ["o1"] and not ev.fetch_is_list
    assert [code(v) for _, v in prog.fed_values("keep_prob")] == ["0.5", "1.0"]
    (vs,) = prog.scopes
    assert vs.alias == "scope" and vs.reuse is None and len(prog.reuse_calls) == 1
    assert prog.placeholders_of("o2") == ["x2"]


def test_unparsable_feed_is_flagged():
    # a feed dict built by a call (not a dict literal, bound by name or not) is not followed
    src = ("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 3])\n"
           "y = tf.layers.dense(x, 2)\nsess = tf.Session()\nfd = dict(zip([x], [1]))\nsess.run(y, feed_dict=fd)\n")
    _, tp = analyse(src)
    (prog,) = tp.programs.values()
    (run,) = prog.runs
    assert not run.ok and "dict literal" in run.why
    assert prog.placeholders["x"].role == "input"


def test_named_feed_dict_is_followed():
    # ``fd = {x: ...}`` passed by name: the run feeds x (its value from the dict literal)
    src = ("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 3])\n"
           "y = tf.layers.dense(x, 2)\nsess = tf.Session()\nfd = {x: X}\nsess.run(y, feed_dict=fd)\n")
    _, tp = analyse(src)
    (prog,) = tp.programs.values()
    (run,) = prog.runs
    assert run.ok and run.feed_name == "fd" and code(run.feeds["x"]) == "X"
    # ... unless the name is read some other way (the dict is then more than a feed)
    _, tp = analyse(src + "print(fd)\n")
    (prog,) = tp.programs.values()
    (run,) = prog.runs
    assert not run.ok



FEED_HELPER = ("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 3])\ny = tf.placeholder(tf.float32, [None])\n"
               "out = tf.layers.dense(x, 1)\nloss = tf.reduce_mean(tf.square(out - y))\n"
               "op = tf.train.AdamOptimizer(0.1).minimize(loss)\nsess = tf.Session()\n"
               "def make_feed(a, label):\n    return {x: a, y: label}\n"
               "sess.run(op, feed_dict=make_feed(X[:4], label=Y[:4]))\n")


def test_feed_dict_returned_by_a_helper_is_followed():
    # ``feed_dict=make_feed(a, label=...)``: each placeholder is fed the argument of its parameter
    ctx, tp = analyse(FEED_HELPER)
    (prog,) = tp.programs.values()
    (run,) = prog.runs
    assert run.ok and run.feed_params == {"x": "a", "y": "label"}
    assert code(run.feeds["x"]) == "X[:4]" and code(run.feeds["y"]) == "Y[:4]"
    assert [f.name.value for f in prog.feed_helpers.values()] == ["make_feed"]


def test_feed_helpers_that_do_more_are_not_followed():
    for old, new in [
        ("def make_feed(a, label):\n    return {x: a, y: label}\n",              # a default parameter
         "def make_feed(a, label=None):\n    return {x: a, y: label}\n"),
        ("    return {x: a, y: label}\n", "    return {x: a * 2, y: label}\n"),   # a computed value
        ("    return {x: a, y: label}\n", "    d = {x: a, y: label}\n    return d\n"),   # more than the return
        ("sess.run(op, feed_dict=make_feed(X[:4], label=Y[:4]))\n",             # the helper read elsewhere
         "sess.run(op, feed_dict=make_feed(X[:4], label=Y[:4]))\nprint(make_feed(1, 2))\n"),
        ("    return {x: a, y: label}\n", "    return {x: a, z: label}\n"),   # a key that is no placeholder
    ]:
        assert old in FEED_HELPER
        _, tp = analyse(FEED_HELPER.replace(old, new))
        (prog,) = tp.programs.values()
        (run,) = prog.runs
        assert not run.ok and "dict literal" in run.why and not prog.feed_helpers, new


def test_encoder_builders():
    ctx, _ = analyse(SIAMESE)
    train = next(s for s in ctx.module.body if isinstance(s, cst.FunctionDef) and s.name.value == "train")
    groups = tower_calls(train.body.body)
    assert list(groups) == ["tower"] and [c.target for c in groups["tower"]] == ["o1", "o2"]
    stmts = encoder_statements("encoder", "tower", cst.Name("x1"))
    text = "".join(cst.Module(body=stmts).code)
    assert text == ('encoder_input = keras.Input(shape=x1.shape[1:])\n'
                    'encoder = keras.Model(encoder_input, tower(encoder_input), name="encoder")\n'
                    .replace('"encoder")', "'encoder')"))
    assert code(apply_encoder("encoder", cst.Name("x2"))) == "encoder(x2)"
    assert free_name({"encoder", "encoder_2"}) == "encoder_3"
