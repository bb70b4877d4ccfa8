"""TFM143: a plain epoch/batch ``sess.run`` loop -> ``model.fit(..., shuffle=False)``.

TFM140 turns every training ``sess.run`` into ``model.train_on_batch`` on the same batch and
keeps the loop. When the loop is PLAIN (see analysis/fit_loops.py: sequential batches
``X[i:i + B]`` over the whole arrays, nothing but the step, batch slices, per-batch loss
records and summary writes in it), this rule replaces the whole loop with one
``model.fit(X, Y, batch_size=B, epochs=E, shuffle=False, verbose=0)``: the same batches in the
same order, so the same updates. Per-batch loss records become a ``LambdaCallback`` reading
the ``BatchLoss`` metric TFM140 compiles in (the loss of that batch, the value TF1 fetched;
``fit``'s own ``loss`` log is the running mean of the epoch), and summary writes become
``keras.callbacks.TensorBoard(log_dir=<the FileWriter's directory>, update_freq="batch")``.
"""
from __future__ import annotations

import libcst as cst

from ..emit import call, code, expr
from ..helpers import register_source
from ..analysis.fit_loops import FitLoops, model_info
from ..analysis.tf1_program import TF1Program
from .base import Case, Rule

BATCH_LOSS = register_source("tf1_programs", "BatchLoss")


class FitLoop(Rule):
    ID = "TFM143"
    TRIGGERS = ("tensorflow",)
    NAME = "fit-loop"
    MESSAGE = "plain epoch/batch training loop -> model.fit(batch_size, epochs, shuffle=False)"
    RATIONALE = ("A TF1 loop that runs the training step on X[i:i + B] for i in range(0, len(X), B), "
                 "epoch after epoch (or on the whole arrays every step), is exactly what "
                 "model.fit(X, Y, batch_size=B, epochs=E, shuffle=False) does: the same batches in "
                 "the same order, the last one partial. Per-batch loss records are kept through a "
                 "LambdaCallback reading the BatchLoss metric (fit's own 'loss' log is the running "
                 "mean of the epoch), FileWriter summaries become keras.callbacks.TensorBoard. "
                 "Loops that permute, sample, print or evaluate keep train_on_batch (TFM140).")
    ORDER = 70   # after TFM140 (the step) and TFM142 (summaries) have rewritten the loop's body

    def leave_For(self, original: cst.For, updated: cst.For):
        fl = self.ctx.analysis(FitLoops)
        plan = fl.by_loop.get(id(original))
        if plan is None:
            return updated
        from ..analysis.session_runs import SessionProgramRuns

        prog = plan.prog
        if not SessionProgramRuns.translates(self.ctx, prog):
            return updated  # (TFM140 compiles BatchLoss in under the same condition: keep them together)
        ins, outs, loss, labels = model_info(prog)
        model = self.ctx.analysis(TF1Program).model_name(prog)
        xs = [plan.arrays[p] for p in ins]
        ys = [plan.arrays[p] for p in labels]
        x = xs[0] if len(xs) == 1 else cst.List([cst.Element(v) for v in xs])
        y = ys[0] if len(ys) == 1 else cst.List([cst.Element(v) for v in ys])
        batch = plan.batch if plan.batch is not None else expr("len({a})", a=xs[0])
        callbacks: list[cst.BaseExpression] = []
        if plan.summaries:
            if plan.logdir is not None:
                callbacks.append(call("keras.callbacks.TensorBoard", log_dir=plan.logdir,
                                      update_freq=plan.summaries))
            else:
                self.report(original, "the FileWriter's log directory was not found: "
                            "add keras.callbacks.TensorBoard(log_dir=...) to fit yourself")
        for lst, as_float in plan.records:
            value = "float(logs['batch_loss'])" if as_float else "logs['batch_loss']"
            callbacks.append(cst.parse_expression(
                f"keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: "
                f"{lst}.append({value}))"))
        head = (f"{model}.fit({code(x).strip()}, {code(y).strip()}, batch_size={code(batch).strip()}, "
                f"epochs={code(plan.epochs).strip()}, shuffle=False, verbose=0")
        if callbacks:
            src = head + ", callbacks=[\n" + "".join(f"    {code(c).strip()},\n" for c in callbacks) + "])\n"
        else:
            src = head + ")\n"
        line = cst.parse_statement(src).with_changes(leading_lines=original.leading_lines)
        self.ctx.add_import("keras")
        what = (f"batches of {code(plan.batch).strip()}" if plan.batch is not None else "the whole arrays")
        self.report(original, f"plain training loop ({what}, in order) -> {model}.fit(shuffle=False)"
                    + ("; TensorBoard callback" if plan.summaries and plan.logdir is not None else "")
                    + ("; per-batch losses via the BatchLoss metric" if plan.records else ""))
        self.ctx.count(self)
        return cst.FlattenSentinel([line])

    VALID = ["import keras\nmodel.fit(x, y, batch_size=32, epochs=2, shuffle=False)\n"]
    INVALID = [
        Case(
            "import tensorflow as tf\n\n"
            "def train(X, Y, epochs, logdir):\n"
            "    x = tf.placeholder(tf.float32, [None, 4])\n"
            "    y = tf.placeholder(tf.float32, [None, 3])\n"
            "    logits = tf.layers.dense(x, 3)\n"
            "    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))\n"
            "    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
            "    tf.summary.scalar('loss', loss)\n"
            "    merged = tf.summary.merge_all()\n"
            "    writer = tf.summary.FileWriter(logdir)\n"
            "    losses = []\n"
            "    with tf.Session() as sess:\n"
            "        sess.run(tf.global_variables_initializer())\n"
            "        for epoch in range(epochs):\n"
            "            for i in range(0, len(X), 16):\n"
            "                _, l, s = sess.run([train_op, loss, merged], feed_dict={x: X[i:i + 16], y: Y[i:i + 16]})\n"
            "                losses.append(float(l))\n"
            "                writer.add_summary(s, len(losses))\n"
            "        return sess.run(logits, feed_dict={x: X}), losses\n",
            "import keras\n\n\n# tflearn-migrate helper: BatchLoss\n" + BATCH_LOSS.code + "\n\n"
            "def train(X, Y, epochs, logdir):\n"
            "    x = keras.Input(shape=(4,))\n"
            "    logits = keras.layers.Dense(3)(x)\n"
            "    def loss(y, logits):\n"
            "        return keras.ops.mean(keras.ops.categorical_crossentropy(y, logits, from_logits=True))\n"
            "    model = keras.Model(x, logits)\n"
            "    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss, "
            "metrics=[BatchLoss(loss)])\n"
            "    losses = []\n"
            "    model.fit(X, Y, batch_size=16, epochs=epochs, shuffle=False, verbose=0, callbacks=[\n"
            "        keras.callbacks.TensorBoard(log_dir=logdir, update_freq='batch'),\n"
            "        keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: "
            "losses.append(float(logs['batch_loss']))),\n"
            "    ])\n"
            "    return model.predict_on_batch(X), losses\n",
            ("TFM142",) * 4 + ("TFM143",),
        ),
        Case(  # full batch: the whole arrays fed every step
            "import tensorflow as tf\n"
            "x = tf.placeholder(tf.float32, [None, 2])\n"
            "y = tf.placeholder(tf.float32, [None, 1])\n"
            "out = tf.layers.dense(x, 1)\n"
            "loss = tf.reduce_mean(tf.square(out - y))\n"
            "step = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
            "sess = tf.Session()\n"
            "sess.run(tf.global_variables_initializer())\n"
            "for it in range(100):\n"
            "    sess.run(step, feed_dict={x: X, y: Y})\n",
            "import keras\n\n"
            "x = keras.Input(shape=(2,))\n"
            "out = keras.layers.Dense(1)(x)\n"
            "def loss(y, out):\n"
            "    return keras.ops.mean(keras.ops.square(out - y))\n"
            "model = keras.Model(x, out)\n"
            "model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8), loss=loss)\n"
            "model.fit(X, Y, batch_size=len(X), epochs=100, shuffle=False, verbose=0)\n",
            ("TFM143",),
        ),
    ]
    REQUIRES = ("TFM130", "TFM131", "TFM133", "TFM140", "TFM142")
