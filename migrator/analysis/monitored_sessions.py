"""TF1 monitored-session training loops (rule TFM176's pre-step): a pure function of the source.

The form (TF 1.x programs driven by the training framework)::

    hooks = [tf.train.StopAtStepHook(last_step=N)]               # or num_steps=N, or inline
    with tf.train.MonitoredTrainingSession(hooks=hooks) as sess:  # or SingularMonitoredSession
        while not sess.should_stop():
            ... sess.run([train_op, ...], feed_dict=...) ...      # one training run per iteration
        p = sess.raw_session().run(t, feed)                       # optional, after the loop

TF1 semantics: the monitored session initializes the variables when it is created (its
Scaffold's ``init_op``); ``StopAtStepHook`` reads the global step after every run and requests a
stop once it reaches ``last_step`` (``num_steps``: the step at creation + ``num_steps``); the
train op made by ``minimize(loss, global_step=gs)`` adds 1 to the step per run. Starting from a
new global step (0) and with exactly one run of that train op per iteration, the loop body runs
N times. ``raw_session()`` is the underlying ``tf.Session``.

``desugar_monitored(module)`` writes the same program as a plain session program::

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(N):
            ...
        p = sess.run(t, feed)

which the session-program rules (TFM140) translate. The hooks statement is dropped (one line
fewer) and the initializer added (one more), so statements after the session keep their lines.

Declined (None): any other hook (NanTensorHook raises on a NaN, LoggingTensorHook and the
saver / summary hooks write files), ``checkpoint_dir=`` (the session restores the latest
checkpoint and saves new ones), ``scaffold=`` / ``session_creator=`` / ``master=``, a step start
other than a fresh global step (a restore), a loop body whose training run is not one run of a
``minimize(..., global_step=<the step>)`` train op at its top level, ``should_stop()`` elsewhere.
"""
from __future__ import annotations

import libcst as cst

from ..names import dotted
from .graph_datasets import _walk, tf_aliases

_SESSIONS = ("train.MonitoredTrainingSession", "train.SingularMonitoredSession", "train.MonitoredSession")
_SESSION_KW = {"hooks", "config", "save_summaries_steps", "save_summaries_secs", "log_step_count_steps",
               "save_checkpoint_secs", "save_checkpoint_steps", "is_chief", "stop_grace_period_secs"}
_STEP_CREATORS = ("train.get_or_create_global_step", "train.create_global_step", "train.get_global_step")


def _rel(node, aliases) -> str | None:
    d = dotted(node) if node is not None else None
    if not d:
        return None
    head, _, rest = d.partition(".")
    if head not in aliases or not rest:
        return None
    return rest[len("compat.v1."):] if rest.startswith("compat.v1.") else rest


def _kw(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def desugar_monitored(module: cst.Module) -> cst.Module | None:
    aliases = tf_aliases(module)
    if not aliases:
        return None
    alias = next(iter(aliases))
    withs = [n for n in _walk(module) if isinstance(n, cst.With) and len(n.items) == 1
             and isinstance(n.items[0].item, cst.Call) and _rel(n.items[0].item.func, aliases) in _SESSIONS]
    if len(withs) != 1:
        return None
    w = withs[0]
    item = w.items[0]
    sess_call: cst.Call = item.item
    if item.asname is None or not isinstance(item.asname.name, cst.Name):
        return None
    sess = item.asname.name.value
    if any(a.keyword is None or a.keyword.value not in _SESSION_KW for a in sess_call.args):
        return None  # checkpoint_dir / scaffold / master ...: declined
    hooks = _kw(sess_call, "hooks")
    hooks_stmt = None
    if isinstance(hooks, cst.Name):
        binders = [s for s in _walk(module) if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1
                   and isinstance(s.body[0], cst.Assign) and any(
                       isinstance(t.target, cst.Name) and t.target.value == hooks.value for t in s.body[0].targets)]
        keywords = {id(a.keyword) for a in _walk(module) if isinstance(a, cst.Arg) and a.keyword is not None}
        reads = [n for n in _walk(module) if isinstance(n, cst.Name) and n.value == hooks.value
                 and id(n) not in keywords]
        if len(binders) != 1 or len(binders[0].body[0].targets) != 1 or len(reads) != 2:
            return None  # bound once, read by the session only
        hooks_stmt = binders[0]
        hooks = binders[0].body[0].value
    if not isinstance(hooks, (cst.List, cst.Tuple)) or len(hooks.elements) != 1:
        return None
    hook = hooks.elements[0].value
    if not (isinstance(hook, cst.Call) and _rel(hook.func, aliases) == "train.StopAtStepHook"):
        return None
    steps = _kw(hook, "last_step") or _kw(hook, "num_steps")
    if steps is None and len(hook.args) >= 1 and hook.args[0].keyword is None:
        steps = hook.args[0].value  # StopAtStepHook(num_steps=None, last_step=None): positional num_steps
    if steps is None or len(hook.args) != 1:
        return None
    # the body: `while not sess.should_stop():` first, then statements without the monitored session
    body = w.body.body if isinstance(w.body, cst.IndentedBlock) else ()
    loops = [s for s in body if isinstance(s, cst.While)]
    if len(loops) != 1 or body[0] is not loops[0]:
        return None
    loop = loops[0]
    t = loop.test
    if not (isinstance(t, cst.UnaryOperation) and isinstance(t.operator, cst.Not) and isinstance(t.expression, cst.Call)
            and dotted(t.expression.func) == f"{sess}.should_stop" and not t.expression.args) or loop.orelse:
        return None
    stops = [n for n in _walk(module) if isinstance(n, cst.Attribute) and n.attr.value == "should_stop"]
    if len(stops) != 1:
        return None
    # the step counter: one fresh global step, incremented by one train op
    creators = [n for n in _walk(module) if isinstance(n, cst.Call) and _rel(n.func, aliases) in _STEP_CREATORS]
    step_names = set()
    for s in _walk(module):
        if isinstance(s, cst.Assign) and len(s.targets) == 1 and isinstance(s.targets[0].target, cst.Name) \
                and isinstance(s.value, cst.Call) and _rel(s.value.func, aliases) in _STEP_CREATORS:
            step_names.add(s.targets[0].target.value)
    if len(creators) != 1 or len(step_names) != 1:
        return None
    gs = next(iter(step_names))
    train_ops = set()
    for s in _walk(module):
        if isinstance(s, cst.Assign) and len(s.targets) == 1 and isinstance(s.targets[0].target, cst.Name) \
                and isinstance(s.value, cst.Call) and isinstance(s.value.func, cst.Attribute) \
                and s.value.func.attr.value == "minimize":
            g = _kw(s.value, "global_step")
            if isinstance(g, cst.Name) and g.value == gs:
                train_ops.add(s.targets[0].target.value)
    if len(train_ops) != 1:
        return None
    train_op = next(iter(train_ops))
    runs = [n for n in _walk(loop) if isinstance(n, cst.Call) and dotted(n.func) == f"{sess}.run"]
    if len(runs) != 1 or not _fetches(runs[0], train_op):
        return None
    top = loop.body.body if isinstance(loop.body, cst.IndentedBlock) else ()
    if not any(runs[0] in set(_walk(s)) for s in top if isinstance(s, cst.SimpleStatementLine)):
        return None  # the run is not at the loop body's top level (an `if` could skip it)
    if any(isinstance(n, (cst.Continue,)) for n in _walk(loop)):
        return None
    # after the loop: the monitored session refuses runs; raw_session() is the tf.Session
    for s in body[1:]:
        for n in _walk(s):
            if isinstance(n, cst.Call) and dotted(n.func) in (f"{sess}.run",):
                return None
    raw = {id(n) for s in body[1:] for n in _walk(s) if isinstance(n, cst.Call)
           and dotted(n.func) == f"{sess}.raw_session" and not n.args}
    if any(isinstance(n, cst.Name) and n.value == sess for s in body[1:] for n in _walk(s)) and not raw:
        return None

    new_loop = cst.For(target=cst.Name("_"), iter=cst.Call(cst.Name("range"), [cst.Arg(steps)]), body=loop.body,
                       leading_lines=loop.leading_lines)
    init = cst.parse_statement(f"{sess}.run({alias}.global_variables_initializer())\n")

    class _Rewrite(cst.CSTTransformer):
        def leave_Call(self, orig, upd):
            if id(orig) in raw:
                return cst.Name(sess)
            if orig is sess_call:
                return cst.Call(cst.parse_expression(f"{alias}.Session"), [])
            return upd

        def leave_While(self, orig, upd):
            return new_loop.with_changes(body=upd.body) if orig is loop else upd

        def leave_With(self, orig, upd):
            if orig is not w:
                return upd
            stmts = list(upd.body.body)
            return upd.with_changes(body=upd.body.with_changes(body=[init] + stmts))

        def leave_SimpleStatementLine(self, orig, upd):
            return cst.RemoveFromParent() if orig is hooks_stmt else upd

    return module.visit(_Rewrite())  # `sess.raw_session().run(...)` -> `sess.run(...)`


def _fetches(run: cst.Call, name: str) -> bool:
    """The run fetches ``name`` (alone or as an element of a list / tuple)."""
    if not run.args or (run.args[0].keyword is not None and run.args[0].keyword.value != "fetches"):
        return False
    f = run.args[0].value
    els = [e.value for e in f.elements] if isinstance(f, (cst.List, cst.Tuple)) else [f]
    return any(isinstance(e, cst.Name) and e.value == name for e in els)


# tf.train.Supervisor(...) keywords that do not change what the session computes when there is no
# logdir (no checkpoint to restore, no saver / summary threads)
_SUPERVISOR_KW = {"logdir", "global_step", "save_model_secs", "save_summaries_secs", "summary_op", "saver",
                  "is_chief", "stop_grace_period_secs", "recovery_wait_secs", "summary_writer"}
# what a Supervisor adds besides initializing the variables: queue runners it starts, the
# OutOfRangeError its managed session swallows, local variables / tables it initializes, stops requested
_SUPERVISOR_DECLINE = ("start_queue_runners", "input_producer", "train.batch", "shuffle_batch", "QueueRunner",
                       "get_next", "OutOfRangeError", "request_stop", "Coordinator", "metrics.", "local_variables",
                       "tables_initializer", "lookup", "init_fn", "ready_op")


def desugar_supervisor(module: cst.Module) -> cst.Module | None:
    """``sv = tf.train.Supervisor(logdir=None, ...)`` + ``with sv.managed_session() as sess:`` ->
    ``with tf.Session() as sess:`` + ``sess.run(tf.global_variables_initializer())``.

    TF1 semantics: without a logdir the Supervisor restores nothing and starts no saver or summary
    thread; ``managed_session()`` creates the session, runs the init op (every global variable),
    starts the queue runners and closes the session at the end of the block, re-raising what the
    block raised except ``OutOfRangeError``. ``sv.should_stop()`` is True only after a stop was
    requested: nothing requests one here, so ``while not sv.should_stop():`` is ``while True:`` and
    ``if sv.should_stop(): break`` does nothing. Declined (None): a logdir (checkpoints restored and
    saved, summaries written), other keywords, queue runners / iterators / ``OutOfRangeError`` /
    local variables / stop requests in the file, any other use of the Supervisor."""
    aliases = tf_aliases(module)
    if not aliases or any(w in module.code for w in _SUPERVISOR_DECLINE):
        return None
    alias = next(iter(aliases))
    binds = [s for s in _walk(module) if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1
             and isinstance(s.body[0], cst.Assign) and isinstance(s.body[0].value, cst.Call)
             and _rel(s.body[0].value.func, aliases) == "train.Supervisor"]
    calls = [n for n in _walk(module) if isinstance(n, cst.Call) and _rel(n.func, aliases) == "train.Supervisor"]
    if len(binds) != 1 or len(calls) != 1:
        return None
    stmt = binds[0]
    assign = stmt.body[0]
    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        return None
    sv = assign.targets[0].target.value
    call = assign.value
    if any(a.keyword is None or a.keyword.value not in _SUPERVISOR_KW or a.star for a in call.args):
        return None
    logdir = _kw(call, "logdir")
    if logdir is not None and not (isinstance(logdir, cst.Name) and logdir.value == "None"):
        return None
    withs = [n for n in _walk(module) if isinstance(n, cst.With) and len(n.items) == 1
             and isinstance(n.items[0].item, cst.Call) and dotted(n.items[0].item.func) == f"{sv}.managed_session"]
    if len(withs) != 1:
        return None
    w = withs[0]
    ms = w.items[0].item
    if w.items[0].asname is None or not isinstance(w.items[0].asname.name, cst.Name) or w.asynchronous is not None:
        return None
    if any(a.keyword is None or a.keyword.value != "config" for a in ms.args):
        return None
    body_nodes = {id(n) for n in _walk(w.body)}
    loops, ifs = set(), set()
    reads = [n for n in _walk(module) if isinstance(n, cst.Name) and n.value == sv and n is not assign.targets[0].target]
    for n in _walk(module):
        if isinstance(n, cst.While) and isinstance(n.test, cst.UnaryOperation) and isinstance(n.test.operator, cst.Not) \
                and _should_stop(n.test.expression, sv) and not n.orelse and id(n) in body_nodes:
            loops.add(id(n.test.expression))
        if isinstance(n, cst.If) and _should_stop(n.test, sv) and n.orelse is None and id(n) in body_nodes \
                and isinstance(n.body, cst.IndentedBlock) and len(n.body.body) == 1 \
                and isinstance(n.body.body[0], cst.SimpleStatementLine) and len(n.body.body[0].body) == 1 \
                and isinstance(n.body.body[0].body[0], cst.Break):
            ifs.add(id(n.test))
    allowed = {id(ms.func.value)} | {id(c.func.value) for c in _walk(module)
                                     if isinstance(c, cst.Call) and (id(c) in loops or id(c) in ifs)}
    if any(id(n) not in allowed for n in reads):
        return None
    sess = w.items[0].asname.name.value
    if any(isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == sess
           and n.attr.value in ("should_stop", "raw_session", "request_stop") for n in _walk(w.body)):
        return None  # the managed session is a tf.Session: it has none of a monitored session's methods
    init = cst.parse_statement(f"{sess}.run({alias}.global_variables_initializer())\n")
    session = cst.Call(cst.parse_expression(f"{alias}.Session"), list(ms.args))

    class _Rewrite(cst.CSTTransformer):
        def leave_Call(self, orig, upd):
            return session if orig is ms else upd

        def leave_While(self, orig, upd):
            if id(orig.test.expression if isinstance(orig.test, cst.UnaryOperation) else None) in loops:
                return upd.with_changes(test=cst.Name("True"))
            return upd

        def leave_If(self, orig, upd):
            return cst.RemovalSentinel.REMOVE if id(orig.test) in ifs else upd

        def leave_With(self, orig, upd):
            if orig is not w:
                return upd
            return upd.with_changes(body=upd.body.with_changes(body=[init] + list(upd.body.body)))

        def leave_SimpleStatementLine(self, orig, upd):
            return cst.RemoveFromParent() if orig is stmt else upd

    return module.visit(_Rewrite())


def _should_stop(node, sv: str) -> bool:
    return isinstance(node, cst.Call) and not node.args and dotted(node.func) == f"{sv}.should_stop"
