"""TFM136's analysis: hand-made batch norms (moments / moving averages / tf.nn.batch_normalization) and their beta / gamma weights (TFM144 asks)."""
from __future__ import annotations
import libcst as cst
from ..emit import code, literal
from ..translate.tf1 import initializer_of
from ..analysis.tf1_program import _walk
from ..translate.tflearn import Untranslatable


_BN = "tensorflow.nn.batch_normalization"
_MOMENTS = "tensorflow.nn.moments"
_GETVAR = "tensorflow.get_variable"
_EMA = ("tensorflow.python.training.moving_averages.assign_moving_average",
        "tensorflow.train.assign_moving_average")


def _bind(c: cst.Call, names: tuple[str, ...]) -> dict[str, cst.BaseExpression]:
    out: dict[str, cst.BaseExpression] = {}
    pos = [a for a in c.args if a.keyword is None and not a.star]
    if any(a.star for a in c.args):
        raise Untranslatable("*args / **kwargs")
    for n, a in zip(names, pos):
        out[n] = a.value
    for a in c.args:
        if a.keyword is not None:
            out[a.keyword.value] = a.value
    return out


_GETVAR_SIG = ("name", "shape", "dtype", "initializer", "regularizer", "trainable")
_BN_SIG = ("x", "mean", "variance", "offset", "scale", "variance_epsilon", "name")
_MOMENTS_SIG = ("x", "axes", "shift", "name", "keep_dims")
_EMA_SIG = ("variable", "value", "decay", "zero_debias", "name")


class _Plan:
    def __init__(self) -> None:
        self.calls: dict[int, dict] = {}  # id(batch_normalization call) -> what to build
        self.remove: set[int] = set()  # ids of statements that go
        self.moments: dict[int, tuple] = {}  # id(moments statement) -> (x, axes) (orig nodes)
        self.ifs: set[int] = set()  # ids of the ifs whose branches may become empty
        # get_variable calls of beta / gamma -> (TF1 name, Keras weight): what tf.trainable_variables() saw
        self.weights: dict[int, tuple] = {}
        self.staged_weights: dict[int, tuple] = {}


def _pure(test: cst.BaseExpression) -> bool:
    return all(isinstance(n, (cst.Name, cst.Attribute, cst.Comparison, cst.ComparisonTarget, cst.Is, cst.IsNot,
                              cst.Equal, cst.NotEqual, cst.UnaryOperation, cst.Not, cst.BooleanOperation, cst.And,
                              cst.Or, cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.LeftParen,
                              cst.RightParen, cst.Integer, cst.SimpleString, cst.Dot))
               for n in _walk(test)) if hasattr(test, "children") else False


def _constant_is(ini: cst.BaseExpression, v: float) -> bool:
    if isinstance(ini, cst.SimpleString):
        return literal(ini, None) == ("zeros" if v == 0.0 else "ones")
    if isinstance(ini, cst.Call) and code(ini.func).strip() == "keras.initializers.Constant" and len(ini.args) == 1:
        return literal(ini.args[0].value, None) == v
    return False


class HandmadeBatchNormAnalysis:
    """HandmadeBatchNorm's analysis (tf1_weight_names); the rule inherits it, other rules ask ``ctx.analysis(HandmadeBatchNormAnalysis)``."""
    
    def __init__(self, ctx) -> None:
        self.ctx = ctx

    # -- analysis ----------------------------------------------------------------------------
    def _plan(self) -> _Plan:
        p = self.__dict__.get("_p")
        if p is None:
            p = self.__dict__["_p"] = _Plan()
            self._why: dict[int, str] = {}
            for n in _walk(self.ctx.module):
                if isinstance(n, cst.Call) and self.ctx.legacy_name(n.func) == _BN:
                    try:
                        self._analyse(n, p)
                    except Untranslatable as ex:
                        self._why[id(n)] = str(ex)
        return p

    def _fn(self, node) -> cst.FunctionDef | None:
        n = self.ctx.parent(node)
        while n is not None and not isinstance(n, cst.FunctionDef):
            n = self.ctx.parent(n)
        return n

    def _branch(self, stmt, fn) -> tuple[cst.If | None, bool]:
        """The ``if`` of ``fn`` (not nested in another if/loop) holding ``stmt``, and whether
        in its body (True) or its else (False); (None, True) at the function's top level."""
        n, prev = self.ctx.parent(stmt), stmt
        found = (None, True)
        while n is not None and n is not fn:
            if isinstance(n, (cst.For, cst.While, cst.Try, cst.FunctionDef, cst.ClassDef)):
                raise Untranslatable("inside a loop / try")
            if isinstance(n, cst.If):
                if found[0] is not None:
                    raise Untranslatable("nested ifs")
                found = (n, prev is n.body)
            prev = n
            n = self.ctx.parent(n)
        if found[0] is not None:
            # prev chain: If -> IndentedBlock (body) | Else ; recompute with the Else node
            i = found[0]
            inbody = self._within(stmt, i.body)
            found = (i, inbody)
        return found

    def _within(self, node, block) -> bool:
        n = node
        while n is not None:
            if n is block:
                return True
            n = self.ctx.parent(n)
        return False

    def _analyse(self, bn: cst.Call, plan: _Plan) -> None:  # noqa: C901
        ctx = self.ctx
        p = _Plan()  # committed to ``plan`` only when the whole batch norm is understood
        fn = self._fn(bn)
        if fn is None:
            raise Untranslatable("not inside a function")
        a = _bind(bn, _BN_SIG)
        for k in ("x", "mean", "variance", "offset", "scale", "variance_epsilon"):
            if k not in a:
                raise Untranslatable(f"batch_normalization without {k}")
        names = {k: a[k].value for k in ("mean", "variance", "offset", "scale")
                 if isinstance(a[k], cst.Name) and a[k].value != "None"}
        if len({k for k in ("mean", "variance") if k in names}) != 2:
            raise Untranslatable("mean / variance are not names")
        # every binding of the names in fn, and every read
        binds: dict[str, list] = {}
        reads: dict[str, list] = {}
        watched = set(names.values())
        for n in _walk(fn.body):
            if isinstance(n, cst.Name) and n.value in watched:
                par = ctx.parent(n)
                if isinstance(par, cst.AssignTarget) or (isinstance(par, cst.Element)
                                                         and isinstance(ctx.parent(ctx.parent(par)), cst.AssignTarget)):
                    binds.setdefault(n.value, []).append(n)
                else:
                    reads.setdefault(n.value, []).append(n)
        for k in ("offset", "scale"):
            if k not in names and not (isinstance(a[k], cst.Name) and a[k].value == "None"):
                raise Untranslatable(f"{k} is not a name or None")
        # beta / gamma: one get_variable each, read only here
        inits: dict[str, cst.BaseExpression | None] = {}
        for k in ("offset", "scale"):
            if k not in names:
                continue
            nm = names[k]
            bs = binds.get(nm, [])
            if len(bs) != 1 or len(reads.get(nm, [])) != 1:
                raise Untranslatable(f"{nm} is bound or read elsewhere")
            stmt, gv = self._getvar_stmt(bs[0])
            g = _bind(gv, _GETVAR_SIG)
            if "trainable" in g and literal(g["trainable"], None) is not True:
                raise Untranslatable(f"{nm} is not trainable")
            if "regularizer" in g:
                raise Untranslatable(f"{nm} has a regularizer")
            inits[k] = self._init(g)
            p.remove.add(id(stmt))
            p.staged_weights[id(gv)] = (literal(g.get("name"), None), "beta" if k == "offset" else "gamma")
        # mean / variance: moments in one branch, moving variables in the other (or only one)
        kinds: dict[str, list] = {"batch": [], "moving": []}
        moving_inits: dict[str, str] = {}
        mv_init: dict[str, cst.BaseExpression | None] = {}
        moments_stmt = None
        for k in ("mean", "variance"):
            nm = names[k]
            for b in binds.get(nm, []):
                stmt = ctx.statement_of(b)
                value = stmt.body[0].value if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 \
                    and isinstance(stmt.body[0], cst.Assign) else None
                if isinstance(value, cst.Call) and ctx.legacy_name(value.func) == _MOMENTS:
                    t = stmt.body[0].targets
                    if len(t) != 1 or not isinstance(t[0].target, cst.Tuple) or \
                            [code(e.value).strip() for e in t[0].target.elements] != [names["mean"], names["variance"]]:
                        raise Untranslatable("moments not bound to (mean, variance)")
                    m = _bind(value, _MOMENTS_SIG)
                    if "x" not in m or code(m["x"]).strip() != code(a["x"]).strip():
                        raise Untranslatable("moments of another tensor")
                    if "shift" in m or ("keep_dims" in m and literal(m["keep_dims"], None) is not False):
                        raise Untranslatable("moments with shift / keep_dims")
                    if k == "mean":
                        kinds["batch"].append(stmt)
                        moments_stmt = (stmt, m["x"], m["axes"])
                elif isinstance(value, cst.Call) and ctx.legacy_name(value.func) == _GETVAR:
                    g = _bind(value, _GETVAR_SIG)
                    if "trainable" not in g or literal(g["trainable"], None) is not False:
                        raise Untranslatable(f"{nm}: a trainable variable as the {k}")
                    mv_init[k] = self._init(g)
                    moving_inits[k] = literal(g.get("name"), None)
                    kinds["moving"].append(stmt)
                    p.remove.add(id(stmt))
                else:
                    raise Untranslatable(f"{nm} is bound by something else than moments / a moving variable")
            # the only read of mean / variance besides this call: assign_moving_average's value
            for r in reads.get(nm, []):
                if not self._within(r, bn) and self._ema_of(r) is None:
                    raise Untranslatable(f"{nm} is read elsewhere")
        # branches
        where: dict[str, dict] = {}
        for kind, stmts in kinds.items():
            for s in stmts:
                i, inb = self._branch(s, fn)
                where.setdefault(kind, {})[(id(i), inb)] = (i, inb)
        if any(len(v) != 1 for v in where.values()):
            raise Untranslatable("statistics bound in several places")
        where = {k: list(v.values()) for k, v in where.items()}
        training: cst.BaseExpression
        if "batch" in where and "moving" in where:
            (ib, inb), = where["batch"]
            (im, inm), = where["moving"]
            if ib is None or ib is not im or inb == inm or not isinstance(ib.orelse, cst.Else):
                raise Untranslatable("batch and moving statistics not in the two branches of one if")
            test = ib.test
            if not _pure(test):
                raise Untranslatable("the if's test is not a plain expression")
            training = test if inb else cst.UnaryOperation(cst.Not(), test)
            p.ifs.add(id(ib))
        elif "batch" in where:
            training = cst.Name("True")
        else:
            training = cst.Name("False")
        # the moving-statistics variables of the batch branch: read only by assign_moving_average
        decays = []
        for n in _walk(fn.body):
            if isinstance(n, cst.Call) and ctx.legacy_name(n.func) in _EMA:
                e = _bind(n, _EMA_SIG)
                var = e.get("variable")
                stmt = ctx.statement_of(n)
                if not isinstance(var, cst.Name):
                    raise Untranslatable("assign_moving_average of something else than a name")
                decays.append(code(e["decay"]).strip() if "decay" in e else None)
                if not self._update_stmt(stmt, n):
                    raise Untranslatable("assign_moving_average result is used")
                p.remove.add(id(stmt))
                # its variable: a moving get_variable, bound once, read only by updates
                vb = [x for x in _walk(fn.body) if isinstance(x, cst.Name) and x.value == var.value]
                for x in vb:
                    par = ctx.parent(x)
                    if isinstance(par, cst.AssignTarget):
                        s = ctx.statement_of(x)
                        v = s.body[0].value
                        if not (isinstance(v, cst.Call) and ctx.legacy_name(v.func) == _GETVAR):
                            raise Untranslatable(f"{var.value} is not a get_variable")
                        g = _bind(v, _GETVAR_SIG)
                        nm = literal(g.get("name"), None)
                        kk = "mean" if nm == moving_inits.get("mean") else (
                            "variance" if nm == moving_inits.get("variance") else None)
                        ini = self._init(g)
                        if kk is not None and code(ini or cst.Name("None")) != code(mv_init.get(kk) or cst.Name("None")):
                            raise Untranslatable("the two branches initialize the moving statistics differently")
                        if kk is None:
                            kk = "mean" if "mean" in str(nm) else "variance"
                            mv_init.setdefault(kk, ini)
                        p.remove.add(id(s))
                    elif self._ema_of(x) is None:
                        raise Untranslatable(f"{var.value} is read elsewhere")
        if len(set(decays)) > 1 or (decays and decays[0] is None):
            raise Untranslatable("the moving averages have different decays")
        if moments_stmt is not None:
            p.moments[id(moments_stmt[0])] = (moments_stmt[1], moments_stmt[2])
            p.remove.discard(id(moments_stmt[0]))
        kw: dict = {"epsilon": a["variance_epsilon"]}
        if decays:
            kw["momentum"] = cst.parse_expression(decays[0])
        if "offset" not in names:
            kw["center"] = False
        if "scale" not in names:
            kw["scale"] = False
        for k, arg, default in (("offset", "beta_initializer", 0.0), ("scale", "gamma_initializer", 1.0)):
            ini = inits.get(k)
            if ini is not None and not _constant_is(ini, default):
                kw[arg] = ini
        for k, arg, default in (("mean", "moving_mean_initializer", 0.0),
                                ("variance", "moving_variance_initializer", 1.0)):
            ini = mv_init.get(k)
            if ini is not None and not _constant_is(ini, default):
                kw[arg] = ini
        plan.calls[id(bn)] = {"kw": kw, "training": training}
        plan.weights.update(p.staged_weights)
        plan.remove |= p.remove
        plan.moments.update(p.moments)
        plan.ifs |= p.ifs

    def _getvar_stmt(self, name_node):
        stmt = self.ctx.statement_of(name_node)
        v = stmt.body[0].value if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 \
            and isinstance(stmt.body[0], cst.Assign) and len(stmt.body[0].targets) == 1 else None
        if not (isinstance(v, cst.Call) and self.ctx.legacy_name(v.func) == _GETVAR):
            raise Untranslatable(f"{name_node.value} is not a get_variable")
        return stmt, v

    def _init(self, g: dict):
        ini = g.get("initializer")
        if ini is None:
            raise Untranslatable("a variable without an initializer (glorot_uniform for a statistic)")
        from .literal_rebinds import LiteralRebinds

        reach = self.ctx.analysis(LiteralRebinds).reads.get(id(ini))
        if reach is not None:  # ``init = tf.constant_initializer(1.0)`` rebound before it: its value
            return initializer_of(self.ctx, reach.value.deep_clone(), reach.value)
        return initializer_of(self.ctx, ini, ini)

    def _ema_of(self, name_node):
        """The assign_moving_average call ``name_node`` is an argument of (None otherwise)."""
        par = self.ctx.parent(name_node)
        if isinstance(par, cst.Arg):
            c = self.ctx.parent(par)
            if isinstance(c, cst.Call) and self.ctx.legacy_name(c.func) in _EMA:
                return c
        return None

    def _update_stmt(self, stmt, c) -> bool:
        """``ops.append(assign_moving_average(...))`` / ``assign_moving_average(...)`` as a statement."""
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
                and isinstance(stmt.body[0], cst.Expr)):
            return False
        v = stmt.body[0].value
        if v is c:
            return True
        return (isinstance(v, cst.Call) and isinstance(v.func, cst.Attribute) and v.func.attr.value == "append"
                and len(v.args) == 1 and v.args[0].value is c)

    def tf1_weight_names(self) -> dict[int, tuple]:
        """id(get_variable call of a beta / gamma this rule turns into a layer's weight) ->
        (its TF1 name or None, "beta" | "gamma")."""
        return dict(self._plan().weights)
