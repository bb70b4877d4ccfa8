"""TFM138: tf.variable_scope / tf.name_scope blocks used for naming -> dropped (body dedented);
``with tf.Graph().as_default():`` around code that is all Keras now -> its body."""
from __future__ import annotations

import libcst as cst

from ..analysis.shared_plan import is_reuse_stmt
from ..analysis.sharing import kept_scope_marker, without_scope_marker
from ..analysis.tf1_program import TF1Program
from ..translate.tf1_store import store_function
from ..translate.tf1_helpers import helper_example_output as _rnn_out
from ..cstcache import walk
from ..emit import call, to_node
from ..helpers import register_source
from .base import Case, Rule

SCOPE_NAME = register_source("tf1", "tf1_scope_name", requires=("tf1_variable_scope",))

_SCOPES = ("tensorflow.variable_scope", "tensorflow.name_scope")


class VariableScope(Rule):
    ID = "TFM138"
    TRIGGERS = ("tensorflow",)
    NAME = "variable-scope"
    MESSAGE = ("tf.variable_scope / tf.name_scope block, tf.Graph().as_default() or tf.device() around Keras "
               "code -> its body")
    RATIONALE = ("A scope that only names variables has no Keras meaning: each Keras layer owns its "
                 "weights. A scope that SHARES variables (reuse=True, AUTO_REUSE, reuse_variables()) is "
                 "only dropped when TFM205 has replaced the towers by one encoder model; otherwise it "
                 "stays with a TODO (dropping it would silently unshare the towers). "
                 "``with tf.Graph().as_default():`` gives TF1 code a fresh graph (its own collections, "
                 "train ops, variable names); Keras layers and models hold their own weights and a "
                 "functional model only what its inputs reach, so once nothing TF1 / tflearn is left "
                 "in the block it is dropped. While any legacy reference is left inside (a TODO), the "
                 "block stays: that code still needs its own graph (a tflearn DNN collects every train "
                 "op of its graph). ``as g`` and extra items (a Session) keep it too. ``with tf.device(d):`` only "
                 "places ops; it goes on the same condition (reported)."
                 " In a file that reads ``tf.get_variable_scope().name`` (a layer helper logging where it "
                 "is built), every variable scope a ``with`` opens by a string / name / concatenation (no "
                 "alias, no default_name) becomes ``with tf1_variable_scope(<name>):`` instead of its body and "
                 "the read ``tf1_scope_name()``: the same path ('net/conv1') on a Python stack.")
    ORDER = 45

    def visit_With(self, node: cst.With) -> None:
        if len(node.items) == 1 and isinstance(node.items[0].item, cst.Call) \
                and self.ctx.legacy_name(node.items[0].item) == "tensorflow.variable_scope" \
                and self._switch_shares_nothing(node):
            # its ``reuse_variables()`` shares nothing Keras does not: the switch goes (before
            # TFM100 would mark it), whatever becomes of the scope
            for st in node.body.body:
                if is_reuse_stmt(st) and self._scope_switch(node, st):
                    self.ctx.remove_statement(st)

    def leave_With(self, original: cst.With, updated: cst.With):
        tp = self.ctx.analysis(TF1Program)
        if len(original.items) > 1 and all(isinstance(i.item, cst.Call) and tp.qname(i.item) in _SCOPES
                                           + ("tensorflow.device",) and i.asname is None for i in original.items):
            # ``with tf.name_scope('a'), tf.variable_scope('a'):`` - scopes only, no alias: one block
            # (also ``with tf.device('/cpu:0'), tf.name_scope('embedding'):``, the text CNN's)
            if any(tp.qname(i.item) == "tensorflow.device" for i in original.items):
                if self.ctx.bindings.refs(updated.body, deep=True):
                    return updated  # TF1 code left inside (TFM100 marks it) still needs its device
                from ..diagnostics import Severity

                self.report(original, "tf.device removed with the scope block: Keras places the computation "
                            "itself (a device is chosen through the backend, e.g. CUDA_VISIBLE_DEVICES); the "
                            "results are the same", severity=Severity.INFO)
            return self._scopes(tp, original, updated)
        if len(original.items) != 1 or not isinstance(original.items[0].item, cst.Call):
            return updated
        device = tp.qname(original.items[0].item) == "tensorflow.device"
        if self._graph_context(tp, original.items[0]) or device:
            if original.items[0].asname is not None or self.ctx.bindings.refs(updated.body, deep=True):
                return updated  # TF1 code left inside (TFM100 marks it) still needs its own graph / device
            if device:
                from ..diagnostics import Severity

                self.report(original, "tf.device block removed: Keras places the computation itself (a device "
                            "is chosen through the backend, e.g. CUDA_VISIBLE_DEVICES); the results are the same",
                            severity=Severity.INFO)
            self.ctx.count(self)
            body = list(updated.body.body)
            body[0] = body[0].with_changes(
                leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
            return cst.FlattenSentinel(body)
        if tp.qname(original.items[0].item) not in _SCOPES:
            return updated
        if original.items[0].asname is None and all(
                isinstance(st, cst.SimpleStatementLine) and all(isinstance(x, cst.Pass) for x in st.body)
                for st in updated.body.body):
            # nothing left inside (a summary helper's ``with variable_scope(n, reuse=True):`` whose
            # fetches went with their summaries): a scope around no op shares and names nothing
            self.ctx.count(self)
            return cst.RemoveFromParent()  # (a block left empty prints ``pass``)
        if tp.qname(original.items[0].item) == "tensorflow.variable_scope" and store_function(self.ctx, original):
            return self._store_scope(original, updated)
        if kept_scope_marker(original.leading_lines) and not self._shared_handled(tp, original):
            # kept by an earlier run: what TF1 shared was decided on the legacy code; the layers
            # inside are Keras now and would read as unshared (a second run must change nothing)
            self.todo(original.items[0], "variable_scope shares variables (reuse): no Keras translation "
                      "without TFM205's shared encoder")
            return updated
        if self.ctx.bindings.refs(updated.body, deep=True):  # TF1 code left inside
            from ..analysis.scope_initializers import scope_defaults
            from ..analysis.tensor_names import TensorNameReads

            if self.ctx.analysis(TensorNameReads).example is not None:
                # it makes tensors the program reads by name (``'pnet/input:0'``)
                self.todo(original.items[0], "scope kept: TF1 code left inside makes tensors the program "
                          "reads by their graph names")
                return updated
            item = original.items[0].item
            given = scope_defaults(item) if tp.qname(item) == "tensorflow.variable_scope" else []
            if given:
                # it may still make variables that take the scope's initializer / regularizer (a
                # builder whose caller the file does not show): the scope stays with it
                self.todo(original.items[0], f"variable_scope {' / '.join(g + '=' for g in given)} kept: TF1 code "
                          "left inside may make variables that take it")
                return updated
        named = self._scope_named_for_variables(original)
        if self._sharing(tp, original) and not self._shared_handled(tp, original) \
                and not self._named_layers_stored(original) \
                and not (named and self._never_reused(original)):
            self.todo(original.items[0], "variable_scope shares variables (reuse): no Keras translation "
                      "without TFM205's shared encoder")
            return updated
        self.ctx.count(self)
        if named and original.items[0].asname is None:
            # its variables are taken by scope (get_layer_variables_by_scope, TFM127): the Keras
            # variables' paths keep the scope's name
            self.ctx.add_import("keras")
            return updated.with_changes(items=[cst.WithItem(call("keras.name_scope", to_node(named)))])
        body = list(updated.body.body)
        alias = original.items[0].asname
        if alias is not None and isinstance(alias.name, cst.Name):
            # ``scope.reuse_variables()`` reads the dropped alias; it shares nothing (or TFM205 built
            # the encoder): it goes with the scope (an ``if reuse:`` holding only it goes too)
            body = _drop_reuse(body, alias.name.value)
        if not body:  # everything inside was translated away (a placeholder, reuse_variables())
            return cst.RemoveFromParent()
        kept = without_scope_marker(original.leading_lines)  # an earlier run's TODO on this scope is settled now
        if self._scope_names() and tp.qname(original.items[0].item) == "tensorflow.variable_scope":
            return self._named_scope(original, updated, body, kept)
        body[0] = body[0].with_changes(leading_lines=kept + list(body[0].leading_lines))
        return cst.FlattenSentinel(body)

    def _named_scope(self, original: cst.With, updated: cst.With, body: list, leading: list) -> cst.With:
        """``with tf.variable_scope('conv1'):`` in a file that reads ``tf.get_variable_scope().name``
        -> ``with tf1_variable_scope('conv1'):``: the name on the path tf1_scope_name() reads."""
        self.ctx.use_helper("tf1_variable_scope")
        name = next(a for a in updated.items[0].item.args if a.keyword is None or a.keyword.value == "name_or_scope")
        item = cst.WithItem(call("tf1_variable_scope", name.value))
        return updated.with_changes(items=[item], body=updated.body.with_changes(body=body),
                                    leading_lines=leading)

    def _scope_names(self) -> bool:
        """The file reads ``tf.get_variable_scope().name``, opens variable scopes, and every one is a
        ``with tf.variable_scope(<a name>):`` (a string, a name, a concatenation; no alias, no
        default_name, never a scope object): the dropped scopes keep their names on a Python path
        (tf1_variable_scope) that tf1_scope_name() reads."""
        cache = self.__dict__.setdefault("_scope_names_cache", {})
        if "ok" in cache:
            return cache["ok"]
        ok = "get_variable_scope" in self.ctx.module_code
        reads = scopes = 0
        if ok:
            for n in walk(self.ctx.module):
                if not isinstance(n, cst.Call):
                    continue
                q = self.ctx.legacy_name(n)
                if q == "tensorflow.variable_scope":
                    scopes += 1
                    parent = self.ctx.parent(n)
                    ok &= isinstance(parent, cst.WithItem) and parent.asname is None and _given_name(n)
                elif q == "tensorflow.get_variable_scope":
                    parent = self.ctx.parent(n)
                    reads += isinstance(parent, cst.Attribute) and parent.attr.value == "name"
        # (no scope at all: a file whose scopes an earlier run dropped - they were not all named,
        # and the read stayed marked - must not read an empty path now; a second run changes nothing)
        cache["ok"] = ok and reads > 0 and scopes > 0
        return cache["ok"]

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        """``tf.get_variable_scope().name`` -> ``tf1_scope_name()`` (see _scope_names)."""
        if original.attr.value == "name" and isinstance(original.value, cst.Call) and not original.value.args \
                and self.ctx.legacy_name(original.value) == "tensorflow.get_variable_scope" and self._scope_names():
            from ..diagnostics import Severity

            self.ctx.use_helper("tf1_scope_name")
            self.report(original, "tf.get_variable_scope().name -> tf1_scope_name(): the path of the variable "
                        "scopes around the call, kept as tf1_variable_scope blocks (the same names TF1 gave)",
                        severity=Severity.INFO)
            self.ctx.count(self)
            return call("tf1_scope_name")
        return updated

    def _scope_named_for_variables(self, w: cst.With) -> str | None:
        """The scope's literal name when TFM127 takes the variables of that scope (else None)."""
        from ..analysis.scoped_trainops import scoped_trainops
        from ..emit import literal

        plan = scoped_trainops(self.ctx)
        c = w.items[0].item
        if plan is None or len(w.items) != 1 or not isinstance(c, cst.Call) or not c.args:
            return None
        name = literal(c.args[0].value, None)
        return name if isinstance(name, str) and name in plan.scopes else None

    def _never_reused(self, w: cst.With) -> bool:
        """``with variable_scope(s, reuse=reuse)`` directly in a module function ``f(..., reuse=False)``
        whose every call leaves ``reuse`` out or passes False / None: the scope shares nothing."""
        from ..analysis.tf1_program import _arg
        from ..args import BoundArgs, Unbindable
        from ..cstcache import walk

        reuse = _arg(w.items[0].item, 99, "reuse")
        fn = self.ctx.parent(self.ctx.parent(w))
        while isinstance(fn, cst.With):  # inside other with blocks (an arg_scope) of the function: entered once
            fn = self.ctx.parent(self.ctx.parent(fn))
        if not (isinstance(reuse, cst.Name) and isinstance(fn, cst.FunctionDef)
                and self.ctx.parent(fn) is self.ctx.module):
            return False
        if "reuse_variables" in self.ctx.module_code or "AUTO_REUSE" in self.ctx.module_code:
            return False  # a reuse=None scope inherits a reusing outer scope
        params = fn.params.params
        p = next((x for x in params if x.name.value == reuse.value), None)
        if p is None or p.default is None or not (isinstance(p.default, cst.Name)
                                                  and p.default.value in ("False", "None")):
            return False
        if isinstance(fn.params.star_arg, cst.Param) or fn.params.star_kwarg is not None or fn.params.kwonly_params:
            return False
        sig = ", ".join(x.name.value + ("=None" if x.default is not None else "") for x in params)
        for n in walk(self.ctx.module):
            if not (isinstance(n, cst.Name) and n.value == fn.name.value) or n is fn.name:
                continue
            c = self.ctx.parent(n)
            if not (isinstance(c, cst.Call) and c.func is n):
                return False
            try:
                b = BoundArgs(c, sig)
            except Unbindable:
                return False
            if b.given(reuse.value) and not (isinstance(b.node(reuse.value), cst.Name)
                                             and b.node(reuse.value).value in ("False", "None")):
                return False
            if self._in_variable_scope(c):
                return False  # called inside another scope: reuse=None inherits its reuse
        return True

    def _collected_by_name(self, w: cst.With) -> bool:
        """The scope's name is written elsewhere as a string (``get_collection(..., scope='G')``, a
        variable name filter): the variables are looked up by it - kept as it was decided before."""
        from ..emit import literal

        c = w.items[0].item
        name = literal(c.args[0].value, None) if c.args and c.args[0].keyword is None else None
        if not isinstance(name, str):
            return True
        code = self.ctx.module_code
        return code.count(f"'{name}'") + code.count(f'"{name}"') > 1 or f"{name}/" in code

    def _in_variable_scope(self, node: cst.CSTNode) -> bool:
        tp = self.ctx.analysis(TF1Program)
        p = self.ctx.parent(node)
        while p is not None:
            if isinstance(p, cst.With) and any(isinstance(i.item, cst.Call) and tp.qname(i.item) in _SCOPES
                                               for i in p.items):
                return True
            p = self.ctx.parent(p)
        return False

    def _scopes(self, tp: TF1Program, original: cst.With, updated: cst.With):
        """Several scope items in one ``with``: dropped as one block when none shares (as a single
        scope is); otherwise kept with the TODO."""
        if store_function(self.ctx, original) or kept_scope_marker(original.leading_lines) or (
                self._sharing(tp, original) and not self._shared_handled(tp, original)):
            self.todo(original.items[0], "variable_scope shares variables (reuse): no Keras translation "
                      "without TFM205's shared encoder")
            return updated
        self.ctx.count(self)
        body = list(updated.body.body)
        body[0] = body[0].with_changes(leading_lines=list(original.leading_lines) + list(body[0].leading_lines))
        return cst.FlattenSentinel(body)

    def _graph_context(self, tp: TF1Program, item: cst.WithItem) -> bool:
        """``tf.Graph().as_default()`` (a fresh graph, made right there), or ``g.as_default()`` of
        a graph name that is only a fresh graph's context (:meth:`_graph_name`)."""
        c = item.item
        if not (isinstance(c, cst.Call) and not c.args and isinstance(c.func, cst.Attribute)
                and c.func.attr.value == "as_default"):
            return False
        if isinstance(c.func.value, cst.Name):
            return self._graph_name(c.func.value) is not None
        return (isinstance(c.func.value, cst.Call) and not c.func.value.args
                and self.ctx.legacy_name(c.func.value) == "tensorflow.Graph")

    def _graph_name(self, name: cst.Name):
        """``graph = tf.Graph()`` bound once in the scope of ``name`` (a read or the target), read
        there only as ``with graph.as_default():`` (the only item, no ``as``) and as the
        ``graph=`` of a ``tf.Session`` / ``tf.InteractiveSession`` (which goes with the session
        program, TFM140): that statement; None otherwise. Such a graph is a fresh TF1 graph the
        program is built in - what ``with tf.Graph().as_default():`` is."""
        from ..analysis.flow import Flow
        from ..analysis.tf1_program import _walk

        cache = self.__dict__.setdefault("_graph_names", {})
        flow = self.ctx.analysis(Flow)
        scope = flow.scope_of(name)
        key = (id(scope), name.value)
        if key in cache:
            return cache[key]
        cache[key] = None
        defs = scope.by_name.get(name.value, ())
        if len(defs) != 1 or not isinstance(defs[0].value, cst.Call) or defs[0].value.args \
                or self.ctx.legacy_name(defs[0].value) != "tensorflow.Graph":
            return None
        stmt = defs[0].stmt
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
                and isinstance(stmt.body[0], cst.Assign) and len(stmt.body[0].targets) == 1
                and isinstance(stmt.body[0].targets[0].target, cst.Name)):
            return None
        for n in _walk(scope.node):
            if not (isinstance(n, cst.Name) and n.value == name.value) or flow.scope_of(n) is not scope:
                continue
            parent = self.ctx.parent(n)
            if isinstance(parent, cst.AssignTarget) and self.ctx.statement_of(n) is stmt:
                continue
            if (isinstance(parent, cst.Arg) and parent.keyword is n) or (
                    isinstance(parent, cst.Attribute) and parent.attr is n):
                continue  # a keyword's name (``graph=``), an attribute's name: not the variable
            if isinstance(parent, cst.Attribute) and parent.value is n and parent.attr.value == "as_default":
                c = self.ctx.parent(parent)
                item = self.ctx.parent(c)
                w = self.ctx.parent(item)
                if isinstance(c, cst.Call) and not c.args and isinstance(item, cst.WithItem) and item.asname is None \
                        and isinstance(w, cst.With) and len(w.items) == 1:
                    continue
            if isinstance(parent, cst.Arg) and parent.value is n and parent.keyword is not None \
                    and parent.keyword.value == "graph":
                c = self.ctx.parent(parent)
                if isinstance(c, cst.Call) and self.ctx.legacy_name(c) in ("tensorflow.Session",
                                                                          "tensorflow.InteractiveSession"):
                    continue
            return None
        cache[key] = stmt
        return stmt

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        """``graph = tf.Graph()`` whose name is only a fresh graph's context: goes with its
        ``with graph.as_default():`` blocks (if one of them keeps TF1 code, the engine's
        invariant keeps the statement, TFM013)."""
        small = original.body[0] if len(original.body) == 1 else None
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name) \
                and isinstance(small.value, cst.Call) and self.ctx.legacy_name(small.value) == "tensorflow.Graph" \
                and self._graph_name(small.targets[0].target) is original:
            self.ctx.count(self)
            self.ctx.remove_statement(original)
        return updated
    def _store_scope(self, original: cst.With, updated: cst.With) -> cst.With:
        """In a model class built twice into one graph (translate/tf1_store.py): the scope stays, as
        ``tf1_variable_scope(name[, reuse=])`` - the path of the layers' TF1 names."""
        oc, uc = original.items[0].item, updated.items[0].item
        args = []
        for oa, ua in zip(oc.args, uc.args):
            if oa.keyword is not None and oa.keyword.value == "reuse" \
                    and self.ctx.legacy_name(oa.value) == "tensorflow.AUTO_REUSE":
                ua = ua.with_changes(value=cst.SimpleString("'AUTO_REUSE'"))
            args.append(ua)
        self.ctx.use_helper("tf1_variable_scope")
        self.ctx.count(self)
        item = updated.items[0].with_changes(item=uc.with_changes(func=cst.Name("tf1_variable_scope"), args=args))
        return updated.with_changes(items=[item])

    def _sharing(self, tp: TF1Program, w: cst.With) -> bool:
        from ..analysis.sharing import Sharing
        from ..analysis.tf1_program import _arg, _walk

        inside = {id(n) for n in _walk(w.body)}
        groups = [g for g in self.ctx.analysis(Sharing).groups if any(id(c) in inside for c in g.calls)]
        reuse = next((r for r in (_arg(i.item, 99, "reuse") for i in w.items if isinstance(i.item, cst.Call))
                      if r is not None), None)
        switches = any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                       and n.func.attr.value == "reuse_variables" for n in _walk(w.body))
        if not groups and reuse is not None and not switches:
            # ``with variable_scope(s, reuse=reuse)`` inside a tower builder: its reuse is the
            # towers' (the builder's verdict says whether anything is shared)
            groups = [g for g in self.ctx.analysis(Sharing).groups
                      if g.function is not None and self._inside(w, g.function)]
            if groups and not self._variables_translated(w):
                return True  # a get_variable left inside still resolves its name in this scope
        if groups:
            # TF1 shares nothing here (tf.Variable weights, fresh auto-named layers), only part of
            # the towers, or raises: TFM201 reports those towers; only shared ones need TFM205
            return any(g.verdict == "shared" for g in groups)

        if reuse is not None and not (isinstance(reuse, cst.Name) and reuse.value in ("False", "None")):
            if not switches and len(w.items) == 1 and not self._collected_by_name(w) and self._never_reused(w):
                return False  # ``reuse=reuse`` of a builder no call passes a reuse to: shares nothing
            if not switches and (self.ctx.legacy_name(reuse) or "").endswith("AUTO_REUSE") and self._built_once(w):
                return False  # AUTO_REUSE in a builder run once: the variables are created, never reused
            return not self._cells_run_again(w)
        if switches and self._switch_shares_nothing(w):
            return False
        return switches

    def _switch_shares_nothing(self, w: cst.With) -> bool:
        """The scope's ``reuse_variables()`` switches share nothing Keras would not: each is a
        statement of the block itself (``tf.get_variable_scope().reuse_variables()`` or on the
        scope's alias), and either nothing follows the last one (TF1's reuse flag ends with the
        block: a trailing switch is a no-op), or what follows only runs again the RNN cell objects
        the block ran before it (one cell object, one set of weights, in TF1 and in Keras)."""
        from ..analysis.tf1_program import _walk

        body = list(w.body.body)
        at = [i for i, st in enumerate(body) if is_reuse_stmt(st)]
        switches = [n for n in _walk(w.body) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                    and n.func.attr.value == "reuse_variables"]
        if not at or len(at) != len(switches) or not all(self._scope_switch(w, body[i]) for i in at):
            return False
        alias = w.items[0].asname
        if alias is not None and isinstance(alias.name, cst.Name):
            inside = {id(n) for n in _walk(w)}
            if any(isinstance(n, cst.Name) and n.value == alias.name.value and id(n) not in inside
                   for n in _walk(self.ctx.module)):
                return False  # the scope object is read again (``variable_scope(scope)``): its reuse stays
        if at[-1] == len(body) - 1 and len(at) == 1:
            return True
        if len(at) != 1 or not self._cells_run_again(w):
            return False

        from ..translate.tf1 import RNN_LOOP_SIGS as LOOP_SIGS

        def cells(loop: cst.Call) -> set[str]:
            n_cells = 2 if "bidirectional" in (self.ctx.legacy_name(loop) or "") else 1
            given = [a.value for a in loop.args if a.keyword is None][:n_cells] + [
                a.value for a in loop.args if a.keyword is not None and a.keyword.value in ("cell", "cell_fw", "cell_bw")]
            return {c.value for c in given if isinstance(c, cst.Name)}

        def loops(stmts) -> list[cst.Call]:
            return [n for st in stmts for n in _walk(st) if isinstance(n, cst.Call)
                    and (self.ctx.legacy_name(n) or "").rsplit(".", 1)[-1] in LOOP_SIGS]

        before, after = loops(body[:at[0]]), loops(body[at[0] + 1:])
        run_before = set().union(*(cells(c) for c in before)) if before else set()
        return bool(after) and all(cells(c) and cells(c) <= run_before for c in after)

    def _scope_switch(self, w: cst.With, st: cst.SimpleStatementLine) -> bool:
        """``tf.get_variable_scope().reuse_variables()``, or ``scope.reuse_variables()`` on the
        block's own alias."""
        target = st.body[0].value.func.value
        alias = w.items[0].asname
        if isinstance(target, cst.Call):
            return self.ctx.legacy_name(target) == "tensorflow.get_variable_scope" and not target.args
        return isinstance(target, cst.Name) and alias is not None and isinstance(alias.name, cst.Name) \
            and alias.name.value == target.value

    def _built_once(self, w: cst.With) -> bool:
        """``with variable_scope('s', reuse=AUTO_REUSE)`` opening a module function called from one
        place at module level (not in a loop), the only scope of that name in the file: TF1 makes
        its variables once and nothing looks them up again."""
        from ..cstcache import walk
        from ..emit import literal

        fn = self.ctx.parent(self.ctx.parent(w))
        c = w.items[0].item
        name = literal(c.args[0].value, None) if c.args and c.args[0].keyword is None else None
        if not (isinstance(name, str) and isinstance(fn, cst.FunctionDef) and self.ctx.parent(fn) is self.ctx.module
                and fn.body.body and fn.body.body[0] is w):
            return False
        uses, scopes = [], 0
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Name) and n.value == fn.name.value and n is not fn.name:
                uses.append(n)
            if isinstance(n, cst.Call) and n.args and literal(n.args[0].value, None) == name \
                    and (self.ctx.legacy_name(n.func) or "").endswith("variable_scope"):
                scopes += 1
        if len(uses) != 1 or scopes != 1:
            return False
        call_node = self.ctx.parent(uses[0])
        if not (isinstance(call_node, cst.Call) and call_node.func is uses[0]):
            return False
        p = self.ctx.parent(call_node)
        while p is not None and p is not self.ctx.module:
            if isinstance(p, (cst.For, cst.While, cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.ListComp,
                              cst.GeneratorExp, cst.DictComp, cst.SetComp)):
                return False
            p = self.ctx.parent(p)
        return True

    def _cells_run_again(self, w: cst.With) -> bool:
        """The reused scope only runs RNN cell OBJECTS made outside it (``with
        variable_scope('rnn', reuse=True): tf.nn.dynamic_rnn(cell, ...)`` after a first
        ``dynamic_rnn(cell, ...)``): TF1 shares them because the cell object holds its variables
        once built, and so does Keras (one cell object, one set of weights) - nothing else inside
        creates a variable."""
        from ..analysis.flow import Flow
        from ..analysis.sharing import GET_VARIABLE, Sharing
        from ..analysis.tf1_program import _walk
        from ..translate.tf1 import RNN_LOOP_SIGS as LOOP_SIGS

        inner = [n for n in _walk(w.body) if isinstance(n, cst.Call)]
        if any(id(n) in self.ctx.analysis(Sharing).layer_vars for n in inner):
            return False
        flow = self.ctx.analysis(Flow)
        if any((isinstance(n.func, cst.Name) and n.func.value in flow.functions)
               or (isinstance(n.func, cst.Attribute) and isinstance(n.func.value, cst.Name)
                   and n.func.value.value == "self") for n in inner):
            return False
        loops = []
        for n in inner:
            q = self.ctx.legacy_name(n) or ""
            if q in GET_VARIABLE or q == "tensorflow.Variable":
                return False
            if q.rsplit(".", 1)[-1] in LOOP_SIGS and q.startswith("tensorflow."):
                loops.append(n)
            elif q.startswith("tensorflow.") and ("rnn_cell" in q or ".rnn." in q or "layers" in q):
                return False  # a cell / layer made inside the reused scope
        if not loops:
            return False
        inside = {id(n) for n in _walk(w.body)}
        for loop in loops:
            n_cells = 2 if "bidirectional" in (self.ctx.legacy_name(loop) or "") else 1
            cells = [a.value for a in loop.args if a.keyword is None][:n_cells] + \
                [a.value for a in loop.args if a.keyword is not None and a.keyword.value in ("cell", "cell_fw", "cell_bw")]
            cells = [c for c in cells if isinstance(c, cst.Name)]
            if not cells:
                return False
            for c in cells:
                defs = flow.scope_of(c).by_name.get(c.value, ())
                if not defs or any(id(d.stmt) in inside for d in defs):
                    return False  # the cell is (re)bound inside the reused scope
        return True

    def _variables_translated(self, w: cst.With) -> bool:
        """Every get_variable call inside the scope became part of a Keras layer (TFM135), and no
        TF1 layer call inside it names its variables through the scope."""
        from ..analysis.sharing import GET_VARIABLE
        from ..analysis.tf1_program import _walk

        from ..analysis.sharing import Sharing

        from ..analysis.flow import Flow

        inner = [n for n in _walk(w.body) if isinstance(n, cst.Call)]
        if any(id(n) in self.ctx.analysis(Sharing).layer_vars for n in inner):
            return False  # a tf.layers / contrib layer resolving its name in the scope
        functions = self.ctx.analysis(Flow).functions
        if any(isinstance(n.func, cst.Attribute) and isinstance(n.func.value, cst.Name)
               and n.func.value.value == "self" for n in inner):
            return False  # a method may create variables under this scope's name
        if any(isinstance(n.func, cst.Name) and n.func.value in functions for n in inner) \
                and not self._helpers_name_nothing(inner, functions):
            return False  # a helper of the file may create variables under this scope's name
        calls = [n for n in inner if self.ctx.legacy_name(n) in GET_VARIABLE]
        if not calls:
            return True
        if not self.ctx.rule_active("TFM135"):
            return False
        from ..analysis.handmade_layers import HandmadeLayersAnalysis

        gone = self.ctx.analysis(HandmadeLayersAnalysis).removed_variable_calls()
        return all(id(c) in gone for c in calls)

    def _helpers_name_nothing(self, inner: list, functions: dict) -> bool:
        """The module functions called inside the scope, and the ones they call (transitively),
        look no variable up by name: no get_variable, no tf.layers / contrib layer, no method call on
        ``self`` (``tf.Variable`` weights are never shared: the Hvass-Labs tutorials' ``new_weights``)."""
        from ..analysis.sharing import GET_VARIABLE, Sharing
        from ..analysis.tf1_program import _walk

        layer_vars = self.ctx.analysis(Sharing).layer_vars
        todo = [functions[n.func.value] for n in inner if isinstance(n.func, cst.Name) and n.func.value in functions]
        seen: set[int] = set()
        while todo:
            fn = todo.pop()
            if id(fn) in seen:
                continue
            seen.add(id(fn))
            for n in _walk(fn.body):
                if not isinstance(n, cst.Call):
                    continue
                if id(n) in layer_vars or self.ctx.legacy_name(n) in GET_VARIABLE:
                    return False
                f = n.func
                if isinstance(f, cst.Name) and f.value in functions:
                    todo.append(functions[f.value])
                elif isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.value.value == "self":
                    return False
        return True

    def _named_layers_stored(self, w: cst.With) -> bool:
        """Every variable-making call inside is a tf.layers call TFM131 takes from the TF1-name
        store (analysis/named_layer_reuse.py: straight-line layers sharing by name): the scope's
        name is in their store keys and its reuse is theirs."""
        from ..analysis.named_layer_reuse import NamedLayerReuse
        from ..analysis.tf1_program import _walk

        keyed = self.ctx.analysis(NamedLayerReuse).keys
        if not keyed:
            return False
        calls = [n for n in _walk(w.body) if isinstance(n, cst.Call)]
        layers = [c for c in calls if (self.ctx.legacy_name(c) or "").startswith(("tensorflow.layers.",
                                                                                   "tensorflow.get_variable",
                                                                                   "tensorflow.Variable",
                                                                                   "tensorflow.contrib."))]
        local = [c for c in calls if isinstance(c.func, cst.Name) and self.ctx.legacy_name(c) is None
                 and c.func.value not in ("len", "range", "int", "float", "print")]
        return bool(layers) and not local and all(id(c) in keyed for c in layers)

    def _shared_handled(self, tp: TF1Program, w: cst.With) -> bool:
        """Is this sharing scope made meaningless by TFM205's encoder (it holds the tower calls
        TFM205 rewrites, or it is inside a tower builder that is now called once)?"""
        if not self.ctx.rule_active("TFM205"):
            return False
        from ..analysis.tf1_program import _walk
        from ..analysis.shared_plan import SharedPlan

        plan: SharedPlan = self.ctx.analysis(SharedPlan)
        inside = {id(n) for n in _walk(w)}
        if any(self._inside(w, g.function) or any(id(c) in inside for c in g.calls)
               for g in plan.groups if id(g) in plan.stored):
            return True  # towers built as written: their layers come from the TF1-name store
        if any(any(id(c) in inside for c in g.calls) for g in plan.groups if id(g) in plan.wrapped):
            return True  # a wrapper run again under reuse: its towers' encoder comes from the store
        for g in {id(h[0]): h[0] for hits in plan.by_stmt.values() for h in hits}.values():
            if any(id(self.ctx.statement_of(c)) in inside for c in g.calls):
                return True
            if self._inside(w, g.function):
                return True
            # a layer helper (``def conv2d(self, x, ..., reuse)``) called only from the tower
            # builder: the encoder builds the tower once, so each helper call makes fresh weights
            fn = self.ctx.parent(w)
            while fn is not None and not isinstance(fn, cst.FunctionDef):
                fn = self.ctx.parent(fn)
            if fn is not None and g.function is not None and fn is not g.function:
                sites = [c for c in _walk(self.ctx.module) if isinstance(c, cst.Call) and (
                    (isinstance(c.func, cst.Name) and c.func.value == fn.name.value)
                    or (isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name)
                        and c.func.value.value == "self" and c.func.attr.value == fn.name.value))]
                if sites and all(self._inside(c, g.function) for c in sites):
                    return True
        return False

    def _inside(self, node, fn) -> bool:
        n = self.ctx.parent(node)
        while n is not None and n is not fn:
            n = self.ctx.parent(n)
        return n is fn and fn is not None

    REQUIRES = ("TFM158",)
    VALID = ["import keras\nh = keras.layers.Dense(3)(x)\n"]
    INVALID = [
        Case("import tensorflow as tf\ndef layer(x):\n    print(tf.get_variable_scope().name)\n    return x\n"
             "with tf.variable_scope('net'):\n    h = layer(1.0)\n",
             _rnn_out("", ["tf1_variable_scope", "tf1_scope_name"],
                      "def layer(x):\n    print(tf1_scope_name())\n    return x\n"
                      "with tf1_variable_scope('net'):\n    h = layer(1.0)\n"), ("TFM138",)),
        # a device block around code that is all Keras now: dropped (reported)
        Case("import tensorflow as tf\nimport keras\nwith tf.device('/cpu:0'):\n"
             "    x = keras.Input(shape=(3,))\n    m = keras.Model(x, keras.layers.Dense(2)(x))\n",
             "import keras\nx = keras.Input(shape=(3,))\nm = keras.Model(x, keras.layers.Dense(2)(x))\n",
             ("TFM138",)),
        # a fresh TF1 graph around code that is all Keras now: dropped
        Case("import tensorflow as tf\nimport keras\n# build\nwith tf.Graph().as_default():\n"
             "    x = keras.Input(shape=(3,))\n    m = keras.Model(x, keras.layers.Dense(2)(x))\n",
             "import keras\n# build\nx = keras.Input(shape=(3,))\nm = keras.Model(x, keras.layers.Dense(2)(x))\n"),
        # a named fresh graph read only by its as_default() blocks (and tf.Session(graph=)): the
        # blocks and the graph go
        Case('import tensorflow as tf\nimport keras\n\n\ndef build():\n    g = tf.Graph()\n    with g.as_default():\n        x = keras.Input(shape=(3,))\n        m = keras.Model(x, keras.layers.Dense(2)(x))\n    return m\n',
             "import keras\n\n\ndef build():\n    x = keras.Input(shape=(3,))\n    m = keras.Model(x, keras.layers.Dense(2)(x))\n    return m\n"),
        # the graph object is used otherwise: kept
        Case('import tensorflow as tf\nimport keras\n\n\ndef build():\n    g = tf.Graph()\n    with g.as_default():\n        x = keras.Input(shape=(3,))\n        m = keras.Model(x, keras.layers.Dense(2)(x))\n    g.finalize()\n    return m\n', None, (), todo=True),
        # TF1 code left inside still needs its own graph: kept (TFM100 marks it)
        Case("import tensorflow as tf\nwith tf.Graph().as_default():\n    x = tf.foo(3)\n",
             None, (), todo=True),
        # ``as g``: the graph object is used (tf.Session(graph=g) ...): kept
        Case("import tensorflow as tf\nimport keras\nwith tf.Graph().as_default() as g:\n"
             "    x = keras.Input(shape=(3,))\n",
             None, (), todo=True),
        Case("import tensorflow as tf\nwith tf.variable_scope('fc'):\n    h = f(x)\n",
             "h = f(x)\n"),
        Case("import tensorflow as tf\nwith tf.variable_scope('fc', reuse=True):\n    h = f(x)\n",
             None, ("TFM138",), todo=True),
        # one RNN cell object run again under reuse=True: the object holds its variables in TF1 as in
        # Keras (the same cell, one set of weights): the scope goes
        Case("import tensorflow as tf\nenc = tf.nn.rnn_cell.GRUCell(8)\nwith tf.variable_scope('enc'):\n"
             "    _, h_q = tf.nn.dynamic_rnn(enc, q_seq, dtype=tf.float32)\n"
             "with tf.variable_scope('enc', reuse=True):\n    _, h_a = tf.nn.dynamic_rnn(enc, a_seq, dtype=tf.float32)\n",
             _rnn_out("import keras\n", ["TF1GRUCell", "tf1_rnn", "tf1_dynamic_rnn"],
                      "enc = TF1GRUCell(8)\n_, h_q = tf1_dynamic_rnn(enc, q_seq)\n_, h_a = tf1_dynamic_rnn(enc, a_seq)\n")),
        # a cell made inside the reused scope: TF1 looks its variables up by name - TODO as before
        Case("import tensorflow as tf\nwith tf.variable_scope('enc'):\n"
             "    _, h_q = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(8), q_seq, dtype=tf.float32)\n"
             "with tf.variable_scope('enc', reuse=True):\n"
             "    _, h_a = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(8), a_seq, dtype=tf.float32)\n",
             _rnn_out("import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
                      "import keras\n", ["TF1GRUCell", "tf1_rnn", "tf1_dynamic_rnn"],
                      "_, h_q = tf1_dynamic_rnn(TF1GRUCell(8), q_seq)\n# TODO(tflearn-migrate): TFM138 variable_scope "
                      "shares variables (reuse): no Keras translation without TFM205's shared encoder\n"
                      "with tf.variable_scope('enc', reuse=True):\n    _, h_a = tf1_dynamic_rnn(TF1GRUCell(8), a_seq)\n"),
             ("TFM138",), todo=True),
        # reuse= inside a tower builder whose tf.Variable weights TF1 never shares (TFM201 reports
        # those towers): the scope only names; with get_variable the towers share: TODO without TFM205
        Case("import tensorflow as tf\n\ndef tower(x, reuse=False):\n    with tf.variable_scope('fc', reuse=reuse):\n        w = tf.Variable(tf.zeros([4, 2]))\n        return tf.matmul(x, w)\n\na = tower(x1)\nb = tower(x2, reuse=True)\nd = a - b\n",
             'import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\ndef tower(x, reuse=False):\n    w = tf.Variable(tf.zeros([4, 2]))\n    return tf.matmul(x, w)\n\na = tower(x1)\nb = tower(x2, reuse=True)\nd = a - b\n', (), todo=True),
        Case("import tensorflow as tf\n\ndef tower(x, reuse=False):\n    with tf.variable_scope('fc', reuse=reuse):\n        w = tf.get_variable('w', [4, 2])\n        return tf.matmul(x, w)\n\na = tower(x1)\nb = tower(x2, reuse=True)\nd = a - b\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\ndef tower(x, reuse=False):\n    # TODO(tflearn-migrate): TFM138 variable_scope shares variables (reuse): no Keras translation without TFM205's shared encoder\n    with tf.variable_scope('fc', reuse=reuse):\n        w = tf.get_variable('w', [4, 2])\n        return tf.matmul(x, w)\n\na = tower(x1)\nb = tower(x2, reuse=True)\nd = a - b\n", ('TFM138',), todo=True),
        # ... but a helper of the file called inside it may resolve get_variable names through it
        Case("import tensorflow as tf\n\ndef dense(x):\n    w = tf.get_variable('w', [4, 2])\n    return tf.matmul(x, w)\n\ndef tower(x, reuse=False):\n    with tf.variable_scope('fc', reuse=reuse):\n        b = tf.Variable(tf.zeros([2]))\n        return dense(x) + b\n\na = tower(x1)\nb = tower(x2, reuse=True)\nd = a - b\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\ndef dense(x):\n    w = tf.get_variable('w', [4, 2])\n    return tf.matmul(x, w)\n\ndef tower(x, reuse=False):\n    # TODO(tflearn-migrate): TFM138 variable_scope shares variables (reuse): no Keras translation without TFM205's shared encoder\n    with tf.variable_scope('fc', reuse=reuse):\n        b = tf.Variable(tf.zeros([2]))\n        return dense(x) + b\n\na = tower(x1)\nb = tower(x2, reuse=True)\nd = a - b\n", ('TFM138',), todo=True),
        # several scope items in one with: one block, dropped when nothing shares (kept with the TODO if reuse)
        Case("import tensorflow as tf\nwith tf.name_scope('enc'), tf.variable_scope('enc'):\n    h = f(x)\nwith tf.name_scope('dec'), tf.variable_scope('dec', reuse=True):\n    g = f(x)\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nh = f(x)\n# TODO(tflearn-migrate): TFM138 variable_scope shares variables (reuse): no Keras translation without TFM205's shared encoder\nwith tf.name_scope('dec'), tf.variable_scope('dec', reuse=True):\n    g = f(x)\n", ("TFM138",), todo=True),
        # a reuse scope left around nothing (its summary fetches removed): it shares nothing, dropped
        Case('import tensorflow as tf\n\n\ndef log(name):\n    with tf.variable_scope(name, reuse=True):\n        pass\n    return 1\n',
             '\n\ndef log(name):\n    return 1\n',
             ()),
    ]


def _given_name(scope: cst.Call) -> bool:
    """``tf.variable_scope(<a string, a name, a concatenation>)``: the name given first, no
    ``default_name`` (uniquified by TF1) or keyword name."""
    first = scope.args[0] if scope.args and scope.args[0].keyword is None else None
    return first is not None \
        and not any(a.keyword is not None and a.keyword.value in ("default_name", "name_or_scope") for a in scope.args) \
        and isinstance(first.value, (cst.SimpleString, cst.Name, cst.BinaryOperation, cst.FormattedString,
                                     cst.ConcatenatedString)) \
        and not (isinstance(first.value, cst.Name) and first.value.value == "None")


def _reuse_stmt_on(s: cst.CSTNode, alias: str) -> bool:
    return (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Expr)
            and isinstance(s.body[0].value, cst.Call) and isinstance(s.body[0].value.func, cst.Attribute)
            and s.body[0].value.func.attr.value == "reuse_variables"
            and isinstance(s.body[0].value.func.value, cst.Name) and s.body[0].value.func.value.value == alias)


def _drop_reuse(body: list, alias: str) -> list:
    """``body`` without the ``alias.reuse_variables()`` statements, also those inside ``if``s
    (an ``if`` left with nothing and no ``else`` goes)."""
    out = []
    for s in body:
        if _reuse_stmt_on(s, alias):
            continue
        if isinstance(s, cst.If) and s.orelse is None and isinstance(s.body, cst.IndentedBlock):
            inner = _drop_reuse(list(s.body.body), alias)
            if not inner:
                continue
            s = s.with_changes(body=s.body.with_changes(body=inner))
        out.append(s)
    return out
