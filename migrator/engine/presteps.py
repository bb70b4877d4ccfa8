"""Pre-steps: the same TF1 program written in a form the rule pass translates, before the rule
pass runs (one function of ``migrator/analysis/`` each, named by the rule that reports it).

Each pre-step is a pure function of the module that returns the rewritten module, or None when
its form is not there or it declines; it runs only when its rule is enabled and its words occur
in the file. It must never cost a file its migration: an exception keeps the tree as it was. A
pre-step that rewrote the file reports an INFO diagnostic under its rule's ID."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

import libcst as cst

from ..diagnostics import Diagnostic, Kind, Severity
from ..options import Options


@dataclass(frozen=True)
class PreStep:
    rule: str
    words: tuple[tuple[str, ...], ...]  # one of these groups must all occur in the file's text
    function: str                         # "module:function" under migrator.analysis
    message: str


PRE_STEPS: tuple[PreStep, ...] = (
    PreStep("TFM227", ((";",),), "statement_lines:split_statement_lines",
            "statements joined on one line by `;` written one per line (`x1 = tf.placeholder(..); x2 = "
            "tf.placeholder(..)`; the same program); diagnostics below name the input's lines"),
    PreStep("TFM229", (("collection", "update_ops"), ("collection", "regularization_losses"),
                       ("collection", "trainable_variables"), ("collection", "'variables'"),
                       ("collection", '"variables"'), ("collection", "model_variables"),
                       ("collection", "moving_average_variables")),
            "collection_keys:spell_collection_keys",
            "TF1 collection keys spelled as strings written as their GraphKeys names (`tf.get_collection("
            "\"update_ops\")` -> `tf.get_collection(tf.GraphKeys.UPDATE_OPS)`; the same TF1 program)"),
    PreStep("TFM224", (("__version__",), ("hasattr",)), "version_shims:fold_version_shims",
            "TensorFlow-version shims written as the branch TF 1 takes (`int(tf.__version__.split('.')[0]) >= 1` "
            "is True; `tf.contrib.rnn.X if hasattr(tf.contrib.rnn, 'X') else tf.nn.rnn_cell.X` is the one class "
            "both name; the same TF1 program)"),
    PreStep("TFM230", (("minimize", "class"), ("apply_gradients", "class")),
            "local_train_ops:attach_local_train_ops",
            "a train op a model class's method keeps in a local name and runs in that method written as an "
            "attribute of the object (`optimizer = opt.minimize(self.loss)` + `sess.run([optimizer, ..])` -> "
            "`self.optimizer = ...` + `sess.run([self.optimizer, ..])`; the same TF1 program)"),
    PreStep("TFM224", (("= tf.",), ("=tf.",)), "version_shims:inline_tf_aliases",
            "a function's local name standing for a TensorFlow class written as that name at its "
            "reads (`DropoutWrapper = tf.contrib.rnn.DropoutWrapper` + `DropoutWrapper(cell, keep)` -> "
            "`tf.contrib.rnn.DropoutWrapper(cell, keep)`; the alias goes; the same TF1 program)"),
    PreStep("TFM225", (("placeholder", "self."),), "placeholder_aliases:inline_placeholder_aliases",
            "a local name standing for a model class's scalar placeholder written as the attribute at its reads "
            "(`keep = self.keep_prob` + `tf.nn.dropout(h, keep)` -> `tf.nn.dropout(h, self.keep_prob)`; the "
            "alias goes; the same TF1 program)"),
    PreStep("TFM231", (("get_variable", "reuse"),), "fetched_variables:share_fetched_variables",
            "a variable fetched back by name under `reuse=True` written as the value that created it "
            "(`with tf.variable_scope('h', reuse=True): W1 = tf.get_variable('W1')` -> `W1 = self.W1`, the "
            "creating method's `W1 = tf.get_variable('W1', shape, ...)` -> `self.W1 = ...`; the same TF1 "
            "program)"),
    PreStep("TFM209", (("float",), ("int",), ("double",), ("half",), ("bool",), ("complex",)),
            "dtype_aliases:resolve_dtype_aliases",
            "a name standing for one dtype written as the dtype at its reads (`DATA_TYPE = tf.float32` + "
            "`tf.placeholder(DATA_TYPE, ..)` -> `tf.placeholder(tf.float32, ..)`; `def data_type(): return "
            "tf.float16 if FLAGS.use_fp16 else tf.float32` + `data_type()` -> `tf.float32`, the flag's default "
            "False); the definition goes (the same TF1 program)"),
    PreStep("TFM152", (("class", "Session", "self."),), "template_fits:inline_template_fits",
            "a template-method fit written out at its call: the base class's session loop with `self` the one "
            "instance of its one subclass, the subclass's hooks (`self._get_loss()`, `self._build_feed_dict(x, "
            "y)`) read as what they return, callbacks given as a display written out with their object "
            "(`model.fit(gen, 3, callbacks=[scorer])` -> the loop's statements; the same TF1 program); "
            "diagnostics below name the input's lines"),
    PreStep("TFM156", (("class", "Session", "__init__"),), "trainer_objects:inline_trainer_objects",
            "a trainer object of one instance whose method owns the session written out at its calls "
            "(`trainer = Trainer(train_op, (x0, x1), gen.next)` + `sess = trainer.train(n)` -> the method's "
            "statements with `self.<attr>` reading the constructor's arguments; the same TF1 program); "
            "diagnostics below name the input's lines"),
    PreStep("TFM187", (("class", "self."),), "model_objects:inline_model_objects",
            "a model object of one instance built by a method call written out (`net = Net()` + "
            "`net.build(x)` -> the helper methods as module functions `net_<method>`, the build method's "
            "statements at its call with `self.<attr> = e` -> `net_<attr> = e`, the constructor's values read "
            "where the methods read them; the same TF1 program); diagnostics below name the input's lines"),
    PreStep("TFM160", (("for", "range"), ("zip",)), "trainer_objects:unroll_feed_comprehensions",
            "a feed dict built by a comprehension over a tuple of placeholders written as a display "
            "(`{inputs[i]: batch[i] for i in range(len(inputs))}` / `dict(zip(inputs, batch))` -> "
            "`{x0: batch[0], x1: batch[1]}`; the same TF1 program)"),
    PreStep("TFM175", (("get_total_loss",), ("get_losses",), ("GraphKeys.LOSSES",),
                       ("add_to_collection", "get_collection", "losses")),
            "loss_collection:desugar_losses",
            "TF1's LOSSES collection written out: tf.losses.* / add_loss / add_to_collection('losses', t) "
            "terms named, get_total_loss() / get_losses() / get_collection('losses') read as their sum / list "
            "(the same TF1 program)"),
    PreStep("TFM176", (("should_stop", "StopAtStepHook"),),
            "monitored_sessions:desugar_monitored",
            "monitored-session loop written as the same plain session program: variables initialized, "
            "`while not sess.should_stop()` -> `for _ in range(<StopAtStepHook steps>)` (one training run "
            "per iteration); diagnostics below name the input's lines"),
    PreStep("TFM176", (("Supervisor", "managed_session"),),
            "monitored_sessions:desugar_supervisor",
            "tf.train.Supervisor without a logdir written as the same plain session program: `with "
            "sv.managed_session() as sess:` -> `with tf.Session() as sess:` + the variables initialized, "
            "`sv.should_stop()` (no stop is ever requested) -> False"),
    PreStep("TFM177", (("for",),), "tower_lists:unroll_tower_lists",
            "towers kept in a list built by a loop or a comprehension written out: one named statement per "
            "input (`outs = [net(x) for x in (a, b)]` -> `outs_0 = net(a)`, `outs_1 = net(b)`, `outs[1]` -> "
            "`outs_1`; the same TF1 program); diagnostics below name the input's lines"),
    PreStep("TFM178", (("placeholder", "to_float"), ("placeholder", "to_double"), ("placeholder", "to_int"),
                       ("placeholder", "cast")),
            "placeholder_forms:rebind_fed_casts",
            "a placeholder rebound to a cast of itself written as one placeholder of the cast's dtype "
            "(`y = tf.placeholder(tf.int32, s)` + `y = tf.to_float(y)` -> `y = tf.placeholder(tf.float32, s)`: "
            "TF1 fed the cast tensor; the same TF1 program)"),
    PreStep("TFM179", (("placeholder", "return"),), "placeholder_forms:inline_placeholder_helpers",
            "a helper that only makes placeholders written out at its one call (`a, y = make_inputs(...)` -> "
            "`a = tf.placeholder(...)`, `y = tf.placeholder(...)`; the same TF1 program); diagnostics below "
            "name the input's lines"),
    PreStep("TFM188", (("ExponentialMovingAverage",),), "moving_averages:desugar_moving_averages",
            "moving averages whose shadow values nothing but summaries reads written out of the program "
            "(`ema_op = ema.apply(...)` and the control dependencies / `tf.group` / `tf.no_op` train op that "
            "only order it: `with tf.control_dependencies([step, ema_op]): train_op = tf.no_op()` -> "
            "`train_op = step`; the trained model is the same function); diagnostics below refer to lines of "
            "that form"),
    PreStep("TFM189", (("compute_gradients", "apply_gradients"), ("global_variables",)),
            "gradient_steps:fold_gradient_steps",
            "a training step written as `grads = opt.compute_gradients(loss)` + `opt.apply_gradients(grads, "
            "global_step=s)` written as `opt.minimize(loss, global_step=s)` (TF1's minimize is those two calls); "
            "`tf.global_variables()` as the variable list of a file whose only untrainable variables are integer "
            "counters -> `tf.trainable_variables()`, and a parameter passing it -> TF1's default list (the same "
            "TF1 program); diagnostics below name the input's lines"),
    PreStep("TFM197", (("{", "["),), "class_dicts:resolve_class_dicts",
            "a module-level dict of TensorFlow classes read by literal keys written at its reads "
            "(`OPTIMIZER_DICT = {'adam': tf.train.AdamOptimizer, ...}` + `OPTIMIZER_DICT['adam'](learning_rate=r)` "
            "-> `tf.train.AdamOptimizer(learning_rate=r)`; the dict goes; the same TF1 program)"),
    PreStep("TFM191", (("summary", "def"),), "class_dicts:drop_summary_helpers",
            "the calls of a helper that only makes summaries removed (`self._variable_summaries(w, "
            "tf.get_variable_scope().name + '/w')`: its summaries are what TFM142 removes, it computes nothing "
            "else; the same trained program)"),
    PreStep("TFM214", (("trainable_variables", "append"),), "variable_loops:comprehend_variable_loops",
            "a list of per-variable terms built by a loop over tf.trainable_variables() written as the list "
            "comprehension (`l = []` + `for v in tf.trainable_variables(): l.append(tf.nn.l2_loss(v))` -> "
            "`l = [tf.nn.l2_loss(v) for v in tf.trainable_variables()]`: the same ops in the same order; the "
            "same TF1 program); diagnostics below name the input's lines"),
    PreStep("TFM226", (("trainable_variables", "def"),), "decay_helpers:inline_decay_helpers",
            "a weight-decay helper written at its one call (`def _l2_loss(w): l = [tf.nn.l2_loss(v) for v in "
            "tf.trainable_variables()]; return w * tf.add_n(l)` + `total = loss + _l2_loss(1e-4)` -> the list "
            "statement before the call's statement and `total = loss + (1e-4 * tf.add_n(...))`; the same TF1 "
            "program); diagnostics below name the input's lines"),
    PreStep("TFM180", (("minimize", "return"), ("apply_gradients", "return")),
            "train_op_helpers:inline_train_op_helpers",
            "a function that only builds a train op written at its one call (`train_op = step(loss, 0.01)` -> "
            "`train_op = tf.train.X(0.01).minimize(loss)`; the same TF1 program)"),
    PreStep("TFM181", (("minimize", "class"),), "class_train_ops:hoist_class_train_ops",
            "the train op a model class builds for its one instance written after the instance's construction "
            "(`self.optimize` / `self.train_op = optimizer.minimize(self.loss)` -> `model_optimize = "
            "model_optimizer.minimize(model.loss)`, reads `model.optimize` -> `model_optimize`; the same TF1 "
            "program); diagnostics below name the input's lines"),
    PreStep("TFM219", (("minimize",), ("apply_gradients",), ("assign",)), "unrun_train_ops:drop_unrun_train_ops",
            "a train op or assign op bound to a name read nowhere removed (`classifier = tf.train.AdamOptimizer(lr)"
            ".minimize(model.classLoss)`, `snap = tf.assign(v, out)` with the variable `v` it alone reads: never "
            "run, TF1 never executed it; a function's local variable nothing reads; the same trained program)"),
    PreStep("TFM182", (("map_fn", "boolean_mask"),), "map_fn_rows:rewrite_map_fn_rows",
            "a tf.map_fn over rows reducing a boolean_mask of each (`tf.map_fn(lambda i: tf.reduce_max("
            "tf.boolean_mask(d[i], m[i])), tf.range(n))`) written with masks over the whole matrix "
            "(`tf.reduce_max(tf.where(m, d, -inf), axis=1)[:n]`; the same values and gradients); "
            "diagnostics below name the input's lines"),
    PreStep("TFM183", (("add_to_collection",),), "user_collections:desugar_user_collections",
            "a graph collection of the file's own key that no meta graph carries away written as a Python list "
            "(`tf.add_to_collection('k', t)` -> `collection_k.append(t)`, `tf.get_collection('k')` -> "
            "`list(collection_k)`; never read: the statement goes; the same TF1 program)"),
    PreStep("TFM194", (("def", "("),), "callable_params:resolve_callable_params",
            "a function or class handed to a module function as an argument, the same one at every call, written "
            "at the parameter's calls (`network(x, reuse=True)` -> `cnn_archi(x, reuse=True)`; the same TF1 program)"),
    PreStep("TFM198", (("+=",),), "tensor_augassign:rewrite_tensor_augassigns",
            "a bias added to a layer's output with `+=` written as an assignment (`layer = tf.nn.conv2d(...)` + "
            "`layer += biases` -> `layer = layer + biases`: a tensor has no in-place add, Python rebinds the "
            "name; the same TF1 program)"),
    PreStep("TFM194", (("run(", "def"), ("eval(", "def")), "tensor_params:resolve_tensor_params",
            "a module-level tensor handed to a module function as an argument, the same name at every call, "
            "written at the parameter's reads in the function's session runs (`def embed(sess, emb, x_ph, d): "
            "return sess.run(emb, {x_ph: d})` + `embed(sess, emb, x, X)` -> `sess.run(emb, {x: d})` + "
            "`embed(sess, X)`; the same TF1 program)"),
    PreStep("TFM195", (("**", "def"),), "callable_params:resolve_dict_params",
            "a keyword dict of literals handed to a module function as an argument, the same one at every call, "
            "written at its uses (`if kwargs is None:` decided, `opt(learning_rate=r, **kwargs)` -> "
            "`opt(learning_rate=r, momentum=0.9)`; the same TF1 program)"),
    PreStep("TFM192", (("minimize", "if", "return"), ("apply_gradients", "if", "return")),
            "mode_builders:inline_mode_builders",
            "a graph builder with mode branches written out at its one call (`preds, loss, train_op = "
            "model_fn(x, y, 'train')` -> its statements with the `if mode == ...` branches the call's literals "
            "select, parameters replaced by the arguments; the same TF1 program); diagnostics below refer to "
            "lines of that form"),
    PreStep("TFM196", (("minimize", "return"), ("apply_gradients", "return")),
            "mode_builders:inline_graph_builders",
            "a graph builder called once (or an optimizer helper making no weights, at each call) written out at "
            "its call (`out, loss, train_op = build(x1, x2, y)` -> its statements, `with tf.device(...)` bodies "
            "in place, parameters replaced by the arguments; the same TF1 program); diagnostics below refer to "
            "lines of that form"),
    PreStep("TFM193", (("run", "{"), ("eval", "{")), "mode_builders:split_fetched_dicts",
            "a dict of tensors a session run fetches by key written as one name per key (`preds = {'p': y}` + "
            "`sess.run(preds['p'])` -> `preds_p = y` + `sess.run(preds_p)`; the same TF1 program)"),
    PreStep("TFM216", (("write_graph",), ("graph_def",)), "graph_dumps:drop_graph_dumps",
            "the TF1 graph written to a file for inspection removed (`tf.train.write_graph(sess.graph_def, d, "
            "'graph.pbtxt')`, `graph_def = tf.get_default_graph().as_graph_def()` + `with open(p, 'w') as f: "
            "f.write(str(graph_def))`): a Keras program has no GraphDef, nothing the program computes reads "
            "the file (the same trained program)"),
    PreStep("TFM184", (("**",), ("normalizer_params",)), "kwarg_dicts:inline_kwarg_dicts",
            "keyword-argument dicts spliced into TensorFlow calls written out as the keywords themselves "
            "(`conv_args = {'padding': 'same'}` + `tf.layers.conv2d(x, 8, 3, **conv_args)` -> "
            "`tf.layers.conv2d(x, 8, 3, padding='same')`; a name given as slim's `normalizer_params=` written "
            "as its dict display; the same TF1 program); diagnostics below name the input's lines"),
    PreStep("TFM185", (("run(",),), "fetch_lists:inline_fetch_lists",
            "a fetch list held in a name written at its session run (`fetches = [train_op, loss]` + "
            "`sess.run(fetches, feed_dict=...)` -> `sess.run([train_op, loss], feed_dict=...)`; the same TF1 "
            "program); diagnostics below name the input's lines"),
)


def run_pre_steps(tree: cst.Module, fctx, options: Options, source: str | None = None) -> tuple[cst.Module, str]:
    """The module after the pre-steps, and its text (printed again only after a pre-step that
    rewrote it; ``source``: the text ``tree`` was parsed from, if known)."""
    code = tree.code if source is None else source
    for step in PRE_STEPS:
        if not any(all(w in code for w in group) for group in step.words) or not options.rule_enabled(step.rule):
            continue
        module, name = step.function.split(":")
        try:
            new = getattr(import_module(f"migrator.analysis.{module}"), name)(tree)
        except Exception:  # a pre-step must never cost the file its migration
            continue
        if new is None or _drops_export(tree, new, options.exports_of(fctx.path)):
            continue
        fctx.diagnostics.append(Diagnostic(path=fctx.path, line=1, col=1, rule=step.rule, message=step.message,
                                           severity=Severity.INFO, kind=Kind.TRANSLATE))
        fctx.count(step.rule)
        tree, code = new, new.code
    return tree, code


def _top_names(module: cst.Module) -> set[str]:
    """Module-level functions, classes and names bound by a plain assignment (``DATA_TYPE = tf.float32``)."""
    out = {s.name.value for s in module.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))}
    for s in module.body:
        if isinstance(s, cst.SimpleStatementLine):
            out.update(t.target.value for small in s.body if isinstance(small, cst.Assign)
                       for t in small.targets if isinstance(t.target, cst.Name))
    return out


def _signatures(module: cst.Module) -> dict[str, tuple[str, ...]]:
    return {s.name.value: tuple(p.name.value for p in s.params.params) for s in module.body
            if isinstance(s, cst.FunctionDef)}


def _drops_export(old: cst.Module, new: cst.Module, exports: frozenset[str]) -> bool:
    """A pre-step that wrote a helper out at its call removes the helper, one that resolved a
    parameter removes the parameter, one that wrote a constant at its reads removes the constant:
    declined when another module of the run imports the name,
    or ``__all__`` lists it (the invariant keeps such names; their callers would break)."""
    gone = _top_names(old) - _top_names(new)
    before, after = _signatures(old), _signatures(new)
    gone |= {n for n in before.keys() & after.keys() if before[n] != after[n]}
    return bool(gone) and (bool(gone & exports) or "__all__" in old.code)



def input_lines(before: str, after: str):
    """After a pre-step rewrote the module (removed a summary helper's calls, wrote a list out,
    split ``a; b``): a function from a line of the text ``after`` to the line of the input text
    ``before`` it came from, so that diagnostics name the input's lines. Lines the two texts
    share (difflib's matching blocks) map to each other; a line a pre-step wrote takes the
    offset of the nearest shared line before it. None when no line moved."""
    import bisect
    import difflib

    a, b = before.splitlines(), after.splitlines()
    blocks = [m for m in difflib.SequenceMatcher(None, a, b).get_matching_blocks() if m.size]
    if not blocks or all(m.a == m.b for m in blocks):
        return None
    keys = [m.b + 1 for m in blocks]

    def to_input(line: int) -> int:
        i = bisect.bisect_right(keys, line) - 1
        if i < 0:
            return line
        m = blocks[i]
        return max(1, line + m.a - m.b)

    return to_input
