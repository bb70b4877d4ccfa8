"""TFM142: tf.summary ops and FileWriter -> removed (reported; TensorBoard is a Keras callback)."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Severity
from ..analysis.tf1_program import TF1Program
from .base import Case, Rule

_TFLEARN_MONITORS = ("tflearn.summaries.monitor_activation",)
from ..analysis.tf1_program import WRITER_METHODS as _WRITER_METHODS


def _plain(target):
    """The Name elements of a loop target (a name, or a tuple/list of names)."""
    if isinstance(target, cst.Name):
        yield target
    elif isinstance(target, (cst.Tuple, cst.List)):
        for e in target.elements:
            if isinstance(e.value, cst.Name):
                yield e.value


class Summary(Rule):
    ID = "TFM142"
    NAME = "tf-summary"
    MESSAGE = ("tf.summary / FileWriter statements removed (TensorBoard logging is keras.callbacks.TensorBoard, "
               "which TFM143 passes to fit)")
    RATIONALE = ("TF1 summaries are graph ops evaluated by sess.run and written by a FileWriter; they do "
                 "not change what is trained. Keras logs to TensorBoard through "
                 "keras.callbacks.TensorBoard passed to fit(). Where TFM143 turns the loop into fit, "
                 "that callback writes to the FileWriter's directory; a train_on_batch loop has no "
                 "callback, so there the statements are removed and reported (info) instead of "
                 "half-translated. A summary fetched in a training sess.run is dropped from the fetches; "
                 "a run that only evaluates summaries (its value read only by the FileWriter) and a "
                 "tf.Variable only summaries read (with the sess.run(tf.assign(v, x)) that set it) go with "
                 "them.")
    ORDER = 60

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        if len(original.body) == 1 and isinstance(original.body[0], cst.Return):
            fn = self.ctx.parent(self.ctx.parent(original))
            if isinstance(fn, cst.FunctionDef) and fn.name.value in self.ctx.analysis(TF1Program).summary_functions \
                    and self.ctx.parent(fn) is self.ctx.module:
                return self._remove(original, "return of summary ops / a FileWriter removed with its function")
            return updated
        if len(original.body) != 1 or not isinstance(original.body[0], (cst.Expr, cst.Assign)):
            return updated
        v = original.body[0].value
        if isinstance(v, cst.List) and self._summary_list(original):
            return self._remove(original, "list collecting TensorBoard summaries removed")
        if not isinstance(v, cst.Call):
            return updated
        tp = self.ctx.analysis(TF1Program)
        q = tp.qname(v) or ""
        f = v.func
        if self._summary_statement(original.body[0], v, q, tp):
            return self._remove(original, "TensorBoard summary statement removed (a run evaluating summaries, or "
                                          "a variable only summaries read)")
        if isinstance(original.body[0], cst.Expr) and (self.ctx.legacy_name(v) in _TFLEARN_MONITORS
                                                       or self._activation_collection(v)):
            # tflearn: adds the tensor to the ACTIVATIONS collection its Trainer summarises
            return self._remove(original, "tflearn activation monitor removed (TensorBoard histograms only; "
                                          "use keras.callbacks.TensorBoard(histogram_freq=...) with fit)")
        writer_call = (isinstance(f, cst.Attribute) and tp.is_writer(f.value) and f.attr.value in _WRITER_METHODS)
        helper_call = isinstance(f, cst.Name) and f.value in tp.summary_functions
        if not (q.startswith("tensorflow.summary.") or q == "tensorflow.train.SummaryWriter" or writer_call
                or helper_call):
            return updated
        if isinstance(original.body[0], cst.Assign) and not tp.summary_only_assign(original.body[0]):
            return updated
        if self._logged_by_fit(original, tp):
            msg = ("TensorBoard summary statement removed: the training loop became model.fit with a "
                   "keras.callbacks.TensorBoard callback writing to the same directory (TFM143)")
        else:
            msg = "TensorBoard summary statement removed (use keras.callbacks.TensorBoard with fit to log)"
        return self._remove(original, msg)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        """A module function made only of summaries, returning summary ops / FileWriters to
        statements that unpack them (``TF1Program.summary_functions``): it goes with its calls."""
        tp = self.ctx.analysis(TF1Program)
        if original.name.value not in tp.summary_functions or self.ctx.parent(original) is not self.ctx.module:
            return updated
        return self._remove(original, f"function {original.name.value}() making only TensorBoard summaries removed "
                                      "with its calls")

    def _activation_collection(self, v: cst.Call) -> bool:
        """``tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, t)``: what tflearn's monitor_activation
        does (summaries.py); only tflearn's Trainer reads that collection (activation histograms at
        tensorboard_verbose 3). Removed only when nothing else in the file names the collection."""
        if self.ctx.legacy_name(v) != "tensorflow.add_to_collection" or len(v.args) != 2 \
                or any(a.keyword is not None or a.star for a in v.args):
            return False
        key = v.args[0].value
        if not (isinstance(key, cst.Attribute) and key.attr.value == "ACTIVATIONS"
                and self.ctx.legacy_name(key) == "tensorflow.GraphKeys.ACTIVATIONS"):
            return False
        uses = self.__dict__.get("_activation_uses")
        if uses is None:
            from ..cstcache import walk

            uses = self.__dict__["_activation_uses"] = [
                n for n in walk(self.ctx.module) if isinstance(n, cst.Attribute) and n.attr.value == "ACTIVATIONS"]
        return all(self._is_add(self.ctx.parent(self.ctx.parent(n))) for n in uses)  # Attribute -> Arg -> Call

    def _is_add(self, c) -> bool:
        return (isinstance(c, cst.Call) and self.ctx.legacy_name(c) == "tensorflow.add_to_collection"
                and isinstance(self.ctx.parent(c), cst.Expr))

    _VARIABLE_LISTS = ("tensorflow.trainable_variables", "tensorflow.global_variables",
                       "tensorflow.all_variables", "tensorflow.model_variables")

    def leave_For(self, original: cst.For, updated: cst.For):
        """``for var in tf.trainable_variables(): tf.summary.histogram(var.op.name, var)``: a loop
        over the graph's variables whose body only makes summaries goes with them (its loop
        variable read nowhere after it)."""
        tp = self.ctx.analysis(TF1Program)
        from ..analysis.flow import target_names

        names = target_names(original.target)
        if original.orelse is not None or not names or len(names) != len(list(_plain(original.target))) \
                or not (isinstance(original.iter, cst.Call) and tp.qname(original.iter) in self._VARIABLE_LISTS
                        and not original.iter.args or self._gradient_list(original, tp)
                        or tp.gradient_summary_loop(original)):
            return updated
        if not tp.summary_loop(original):
            return updated
        from ..cstcache import walk

        scope = tp.flow.scope_of(original)
        inside = {id(n) for n in walk(original)}
        # bindings are not reads (another such loop over the same loop variable)
        inside |= {id(t) for n in walk(scope.node) if isinstance(n, cst.For) for t in walk(n.target)}
        # ... and a loop binding the same names reads its own values in its body
        inside |= {id(t) for n in walk(scope.node) if isinstance(n, cst.For) for t in walk(n.body)
                   if isinstance(t, cst.Name) and t.value in target_names(n.target)}
        inside |= {id(t) for n in walk(scope.node) if isinstance(n, cst.AssignTarget) for t in walk(n.target)
                   if isinstance(n.target, (cst.Name, cst.Tuple, cst.List))}
        if any(isinstance(n, cst.Name) and n.value in names and id(n) not in inside for n in walk(scope.node)):
            return updated
        return self._remove(original, "loop making a TensorBoard summary per variable removed")

    def _summary_list(self, original) -> bool:
        """``summaries = []`` read only by the ``append`` s of summary loops this rule removes and
        by ``tf.summary.merge`` (removed with its summaries)."""
        small = original.body[0]
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)):
            return False
        tp = self.ctx.analysis(TF1Program)
        scope = tp.flow.scope_of(original)
        name = small.targets[0].target.value
        if name not in tp.summary_lists(scope):
            return False
        from ..cstcache import walk

        for loop in walk(scope.node):
            if isinstance(loop, cst.For) and any(isinstance(n, cst.Name) and n.value == name for n in walk(loop.body)) \
                    and not tp.summary_loop(loop):
                return False
        return True

    def _gradient_list(self, original: cst.For, tp: TF1Program) -> bool:
        """``for grad, var in grads:`` where ``grads`` is the (gradient, variable) list a train op
        of the program applies (``TrainOp.extra``: it goes with the train op)."""
        if not isinstance(original.iter, cst.Name):
            return False
        prog = tp.program_of(original)
        d = tp.flow.def_of(original.iter.value, original)
        if d is not None and isinstance(d.value, cst.Call) and isinstance(d.value.func, cst.Attribute) \
                and d.value.func.attr.value == "compute_gradients" and len(tp.flow.scope_of(original).by_name.get(
                    original.iter.value, ())) == 1:
            return True  # grads_and_vars = opt.compute_gradients(loss): a list (iterating it changes nothing)
        return prog is not None and d is not None and any(d.stmt is e for op in prog.train_ops for e in op.extra)

    def _kept_with_runs(self, node) -> bool:
        from ..analysis.session_runs import SessionProgramRuns

        return self.ctx.analysis(SessionProgramRuns).summaries_kept(node)

    def _remove(self, original, msg: str):
        if self._kept_with_runs(original):
            return original
        self.report(original, msg, severity=Severity.INFO)
        self.ctx.count(self)
        return cst.RemoveFromParent()

    def _summary_statement(self, small, v: cst.Call, q: str, tp: TF1Program) -> bool:
        """``s = sess.run(merged)`` / ``sess.run(tf.assign(v, x))`` (TF1Program.summary_run) or
        ``v = tf.Variable(...)`` / ``v = tf.get_variable(name)`` (a fetch) for a variable only
        summaries read."""
        if q == "tensorflow.Variable" or (q == "tensorflow.get_variable" and tp.bare_get_variable(v)):
            return isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                small.targets[0].target, cst.Name) and small.targets[0].target.value in tp.summary_vars
        r = tp.run_of(v)
        return r is not None and tp.summary_run(r)

    def _logged_by_fit(self, node, tp: TF1Program) -> bool:
        if not self.ctx.rule_active("TFM143"):
            return False
        from ..analysis.fit_loops import FitLoops
        from ..analysis.session_runs import SessionProgramRuns

        prog = tp.program_of(node)
        plan = self.ctx.analysis(FitLoops).of(prog)
        return (plan is not None and plan.summaries is not None and plan.logdir is not None
                and SessionProgramRuns.translates(self.ctx, prog))

    VALID = ["import keras\ncb = keras.callbacks.TensorBoard('logs')\n",
             # the collection is read by the file itself: its statements stay (TFM100's TODO)
             "import tensorflow as tf\ntf.add_to_collection(tf.GraphKeys.ACTIVATIONS, x)\n"
             "acts = tf.get_collection(tf.GraphKeys.ACTIVATIONS)\n",

             # another collection
             "import tensorflow as tf\ntf.add_to_collection('mine', x)\n"]
    INVALID = [
        Case("import tflearn\ndef f(x):\n    tflearn.summaries.monitor_activation(x)\n    return x\n",
             "def f(x):\n    return x\n", ("TFM142",)),
        # tflearn's activation collection filled by hand (what monitor_activation does)
        Case("import tensorflow as tf\ndef f(x):\n    tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, x)\n    return x\n",
             "def f(x):\n    return x\n", ("TFM142",)),
        Case("import tensorflow as tf\ntf.summary.scalar('loss', loss)\nmerged = tf.summary.merge_all()\n"
             "writer = tf.summary.FileWriter('logs')\nwriter.add_summary(s, step)\nwriter.close()\n",
             "\n", ("TFM142",) * 5),
        # a variable assigned from Python only for a summary, the runs that assign / evaluate it
        Case("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 3])\nlogits = tf.layers.dense(x, 3)\nloss = tf.reduce_mean(tf.square(logits - y))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nloss_ave = tf.Variable(0, dtype=tf.float32, trainable=False)\ntf.summary.scalar('loss', loss_ave)\nmerged = tf.summary.merge_all()\nsess = tf.Session()\nwriter = tf.summary.FileWriter('logs')\nsess.run(tf.global_variables_initializer())\nfor e in range(3):\n    total = 0.0\n    for i in range(10):\n        _, v = sess.run([train_op, loss], feed_dict={x: X, y: Y})\n        total += v\n    sess.run(tf.assign(loss_ave, total / 10))\n    s = sess.run(merged)\n    writer.add_summary(s, e)\n",
             'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nx = tf.placeholder(tf.float32, [None, 4])\ny = tf.placeholder(tf.float32, [None, 3])\nlogits = tf.layers.dense(x, 3)\nloss = tf.reduce_mean(tf.square(logits - y))\ntrain_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\nfor e in range(3):\n    total = 0.0\n    for i in range(10):\n        _, v = sess.run([train_op, loss], feed_dict={x: X, y: Y})\n        total += v\n', ("TFM142",) * 7, todo=True),
        # a histogram per trainable variable: the loop goes with its summaries
        Case("import tensorflow as tf\n\ndef log():\n    for var in tf.trainable_variables():\n"
             "        tf.summary.histogram(var.op.name, var)\n    return 1\n",
             "\ndef log():\n    return 1\n", ("TFM142", "TFM142")),
        # ... unless the loop variable is read after the loop: the loop stays
        Case("import tensorflow as tf\n\nfor var in tf.trainable_variables():\n"
             "    tf.summary.histogram(var.op.name, var)\nlast = var\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n"
             "for var in tf.trainable_variables():\n    pass\nlast = var\n", ("TFM142",), todo=True),
        # two such loops binding the same name: each reads only its own binding
        Case("import tensorflow as tf\n\ndef log(grads):\n    for var in tf.trainable_variables():\n"
             "        tf.summary.histogram(var.op.name, var)\n    for g, var in grads:\n        print(var)\n    return 1\n",
             "\ndef log(grads):\n    for g, var in grads:\n        print(var)\n    return 1\n", ("TFM142", "TFM142")),        # a summary per gradient collected into a list and merged (the dennybritz training script):
        # the loop, the list and the merge go together
        Case("import tensorflow as tf\n\n\ndef log_grads(opt, loss):\n    grads_and_vars = opt.compute_gradients(loss)\n    grad_summaries = []\n    for g, v in grads_and_vars:\n        if g is not None:\n            hist = tf.summary.histogram('{}/grad'.format(v.name), g)\n            sparsity = tf.summary.scalar('{}/sparsity'.format(v.name), tf.nn.zero_fraction(g))\n            grad_summaries.append(hist)\n            grad_summaries.append(sparsity)\n    merged = tf.summary.merge(grad_summaries)\n    return 1\n",
             '\n\ndef log_grads(opt, loss):\n    grads_and_vars = opt.compute_gradients(loss)\n    return 1\n', ("TFM142",) * 5),
        # summaries made by a helper function returning the merged op and a FileWriter, unpacked by
        # its one call: the function, the call and the writer's calls go together
        Case("import tensorflow as tf\n\n\ndef make_logs(cost, log_dir):\n    tf.summary.scalar('cost', cost)\n"
             "    summ = tf.summary.merge_all()\n    writer = tf.summary.FileWriter(log_dir)\n    return summ, writer\n\n\n"
             "summ_op, log_writer = make_logs(cost, 'logs')\nlog_writer.add_summary(s, 1)\nprint(cost)\n",
             "print(cost)\n", ("TFM142",) * 7),
        # ... whose result is used otherwise (passed on): the function stays (its summaries go)
        Case("import tensorflow as tf\n\ndef make_logs(cost):\n    tf.summary.scalar('cost', cost)\n"
             "    return tf.summary.merge_all()\n\nshow(make_logs(cost))\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n"
             "def make_logs(cost):\n    return tf.summary.merge_all()\n\nshow(make_logs(cost))\n", ("TFM142",), todo=True),
        # a bare get_variable(name) (a fetch under reuse) read only by a summary goes with it
        Case("import tensorflow as tf\n\n\ndef log(name):\n    with tf.variable_scope(name, reuse=True):\n        w = tf.get_variable('W')\n        tf.summary.histogram(name, w)\n    return 1\n",
             'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n\ndef log(name):\n    with tf.variable_scope(name, reuse=True):\n        pass\n    return 1\n',
             ('TFM142', 'TFM142'), todo=True),
    ]
