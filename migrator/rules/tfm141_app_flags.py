"""TFM141: tf.app.flags / tf.flags + tf.app.run -> argparse (same flag names, defaults, help)."""
from __future__ import annotations

import libcst as cst

from .. import cstcache
from ..emit import call, code, expr, literal, stmt
from ..helpers import register_source
from .base import Case, Rule

PARSER = "FLAGS_PARSER"
VALUES = "FLAG_VALUES"

register_source("tf1_programs", PARSER)
register_source("tf1_programs", VALUES, requires=(PARSER,))
register_source("tf1_programs", "flag_bool")
register_source("tf1_programs", "flag_list")

_MODULES = ("tensorflow.app.flags", "tensorflow.flags")
_KINDS = {"DEFINE_string": "string", "DEFINE_integer": "integer", "DEFINE_float": "float",
          "DEFINE_boolean": "bool", "DEFINE_bool": "bool", "DEFINE_list": "list", "DEFINE_enum": "enum"}
# absl's names, and the TF <= 1.4 tf.flags names of the same parameters
_KEYWORDS = {"name": "name", "flag_name": "name", "default": "default", "default_value": "default",
             "help": "help", "docstring": "help", "enum_values": "enum_values", "short_name": "short_name"}
_METHODS = ("flag_values_dict", "_parse_flags")


class _Unsupported(Exception):
    pass


class FlagsUse:
    """One walk over the module: the flags-module aliases, DEFINE_* calls, FLAGS expressions
    and names, FLAGS reads and tf.app.run calls; ``why`` is set when any of it cannot be
    translated (then nothing is: a half-argparse file would lose the flags still defined in TF)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        module = ctx.module
        self.aliases: dict[str, cst.CSTNode] = {}  # name -> its module-level assignment statement
        self.defines: dict[int, tuple[str, dict]] = {}  # id(call) -> kind, bound args
        self.define_stmts: list[cst.CSTNode] = []
        self.flag_exprs: set[int] = set()  # id(<flags>.FLAGS)
        self.flag_names: set[str] = set()  # names bound to <flags>.FLAGS
        self.runs: dict[int, cst.Call] = {}
        self.methods: dict[int, str] = {}  # id(call of FLAGS.method) -> method
        self.names: set[str] = set()  # defined flag names
        self.reads: list[tuple[cst.Attribute, str]] = []
        # ``FLAGS.__flags`` (TF <= 1.4's dict of the parsed values, printed by the text-CNN
        # scripts) and ``for attr in FLAGS: FLAGS[attr].value`` (absl's): id(node) -> its kind
        self.dict_views: dict[int, str] = {}
        self.why: str | None = None
        self.bad: cst.CSTNode | None = None  # the call that made the file untranslatable
        self.complex_argv = False
        self.used = False
        for s in module.body:
            if (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign)
                    and len(s.body[0].targets) == 1 and isinstance(s.body[0].targets[0].target, cst.Name)
                    and ctx.legacy_name(s.body[0].value) in _MODULES):
                self.aliases[s.body[0].targets[0].target.value] = s
        nodes = list(cstcache.walk(module))
        try:
            for n in nodes:
                if isinstance(n, cst.Attribute) and n.attr.value == "FLAGS" and self._is_module(n.value):
                    self.flag_exprs.add(id(n))
                    self.used = True
                    p = ctx.parent(n)
                    if isinstance(p, cst.Assign) and len(p.targets) == 1 and isinstance(p.targets[0].target, cst.Name):
                        self.flag_names.add(p.targets[0].target.value)
            for n in nodes:
                if isinstance(n, cst.Call):
                    self._call(n)
                elif isinstance(n, cst.Name) and n.value in self.aliases:
                    p = ctx.parent(n)
                    if isinstance(p, cst.AssignTarget) or _is_attr_name(p, n):
                        continue
                    if not (isinstance(p, cst.Attribute) and p.value is n and (
                            p.attr.value == "FLAGS" or p.attr.value in _KINDS)):
                        raise _Unsupported(f"{code(p or n).strip()} uses the flags module in a way TFM141 "
                                           "does not translate")
                elif isinstance(n, cst.Attribute) and self._is_flags(n.value):
                    self.reads.append((n, n.attr.value))
            for node, attr in self.reads:
                if attr == "__flags" and not isinstance(ctx.parent(node), cst.AssignTarget):
                    self.dict_views[id(node)] = "dict"
                    continue
                if attr in _METHODS:
                    p = ctx.parent(node)
                    if not (isinstance(p, cst.Call) and p.func is node and not p.args):
                        raise _Unsupported(f"FLAGS.{attr} is not called without arguments")
                    self.methods[id(p)] = attr
                elif attr not in self.names:
                    p = ctx.parent(node)
                    if isinstance(p, cst.AssignTarget):
                        continue
                    raise _Unsupported(
                        f"FLAGS.{attr} is not defined in this file (TF1's FLAGS is one process-wide object: "
                        "the module defining it must share its argparse namespace)")
            for n in nodes:
                if isinstance(n, cst.Name) and n.value in self.flag_names and self._flag_loop(n):
                    continue
                if (isinstance(n, cst.Call) and self._is_flags(n.func)) or (
                        isinstance(n, cst.Name) and n.value in self.flag_names and not self._plain_use(n)
                        and not _is_attr_name(ctx.parent(n), n)):
                    raise _Unsupported(f"{code(ctx.parent(n) or n).strip()}: FLAGS used as an absl "
                                       "FlagValues object")
            if self.complex_argv and self.defines:
                raise _Unsupported("tf.app.run(argv=...) that is not a name (flags are parsed from it)")
        except _Unsupported as ex:
            self.why = str(ex)
        self.used = self.used or bool(self.defines or self.runs or self.bad)
        self.early_parse = None
        if self.why is None and self.defines:
            self._plan_parse()

    def _flag_loop(self, n: cst.Name) -> bool:
        """``for attr in FLAGS:`` (absl's names of every flag) whose body reads ``FLAGS[attr].value``
        only: the loop iterates the namespace's names (``vars(FLAGS)``), the read is
        ``getattr(FLAGS, attr)``. Records both forms in ``dict_views``."""
        ctx = self.ctx
        p = ctx.parent(n)
        if isinstance(p, cst.For) and p.iter is n and isinstance(p.target, cst.Name):
            var = p.target.value
            subs = [x for x in cstcache.walk(p.body) if isinstance(x, cst.Subscript) and isinstance(x.value, cst.Name)
                    and x.value.value == n.value]
            if not all(len(x.slice) == 1 and isinstance(x.slice[0].slice, cst.Index)
                       and isinstance(x.slice[0].slice.value, cst.Name) and x.slice[0].slice.value.value == var
                       and isinstance(ctx.parent(x), cst.Attribute) and ctx.parent(x).attr.value == "value"
                       for x in subs):
                return False
            self.dict_views[id(n)] = "names"
            for x in subs:
                self.dict_views[id(ctx.parent(x))] = "value"
            return True
        if isinstance(p, cst.Subscript) and p.value is n:
            return id(ctx.parent(p)) in self.dict_views or self._in_flag_loop(p)
        return False

    def _in_flag_loop(self, sub: cst.Subscript) -> bool:
        x = self.ctx.parent(sub)
        while x is not None and not isinstance(x, cst.For):
            x = self.ctx.parent(x)
        return isinstance(x, cst.For) and isinstance(x.iter, cst.Name) and x.iter.value == sub.value.value \
            and self._flag_loop(x.iter)

    def _is_module(self, node) -> bool:
        return (isinstance(node, cst.Name) and node.value in self.aliases) or (
            self.ctx.legacy_name(node) in _MODULES)

    def _is_flags(self, node) -> bool:
        return id(node) in self.flag_exprs or (isinstance(node, cst.Name) and node.value in self.flag_names)

    def _plain_use(self, name: cst.Name) -> bool:
        p = self.ctx.parent(name)
        return (isinstance(p, cst.Attribute) and p.value is name) or isinstance(p, cst.AssignTarget) or (
            isinstance(p, (cst.Arg, cst.Element)))

    def _member(self, func) -> str | None:
        q = self.ctx.legacy_name(func)
        if q:
            mod, _, last = q.rpartition(".")
            return last if mod in _MODULES else None
        if isinstance(func, cst.Attribute) and self._is_module(func.value):
            return func.attr.value
        return None

    def _call(self, n: cst.Call) -> None:
        if self.ctx.legacy_name(n.func) == "tensorflow.app.run":
            self._run(n)
            return
        member = self._member(n.func)
        if member is None:
            return
        kind = _KINDS.get(member)
        if kind is None:
            self.bad = n
            raise _Unsupported(f"tf.app.flags.{member} has no argparse translation in TFM141")
        stmt_node = self.ctx.statement_of(n)
        if not (isinstance(stmt_node, cst.SimpleStatementLine) and len(stmt_node.body) == 1
                and isinstance(stmt_node.body[0], cst.Expr) and stmt_node.body[0].value is n):
            raise _Unsupported(f"{member} is not a statement of its own")
        order = ["name", "default", "enum_values", "help"] if kind == "enum" else ["name", "default", "help"]
        args: dict[str, cst.Arg] = {}
        for i, a in enumerate(n.args):
            if a.star:
                raise _Unsupported(f"{member} with {a.star}-arguments")
            key = order[i] if a.keyword is None and i < len(order) else (
                _KEYWORDS.get(a.keyword.value) if a.keyword is not None else None)
            if key is None or key in args:
                raise _Unsupported(f"{member} argument {code(a).strip()} has no argparse translation")
            args[key] = a
        if any(k not in args for k in order):
            raise _Unsupported(f"{member} without {', '.join(k for k in order if k not in args)}")
        name = literal(args["name"].value, None)
        if not isinstance(name, str):
            raise _Unsupported(f"{member}: the flag name is not a string literal")
        if name in self.names:
            raise _Unsupported(f"flag {name!r} defined twice")
        self.names.add(name)
        self.defines[id(n)] = (kind, args)
        self.define_stmts.append(stmt_node)

    def _run(self, n: cst.Call) -> None:
        main = argv = None
        for i, a in enumerate(n.args):
            key = ("main", "argv")[i] if a.keyword is None and i < 2 else (a.keyword.value if a.keyword else None)
            if a.star or key not in ("main", "argv"):
                raise _Unsupported(f"tf.app.run argument {code(a).strip()}")
            if key == "main":
                main = a.value
            else:
                argv = a.value
        if main is None and "main" not in _module_names(self.ctx.module):
            raise _Unsupported("tf.app.run() without main= and no module-level main")
        if argv is not None and not isinstance(argv, (cst.Name, cst.Attribute)):
            self.complex_argv = True  # read twice when the file's flags are parsed from it
        self.runs[id(n)] = n

    def _plan_parse(self) -> None:
        """TF1's FLAGS parses sys.argv on its first read; tf.app.run parses before main. Reads at
        module level before the run (or a file without a run) need the parse right after the last
        DEFINE - which must then be a module-level statement."""
        run_lines = [self.ctx.position(r)[0] for r in self.runs.values()]
        first_run = min(run_lines) if run_lines else None
        early = first_run is None and bool(self.reads)
        for node, _ in self.reads:
            if _in_function(self.ctx, node):
                continue
            if first_run is None or self.ctx.position(node)[0] < first_run:
                early = True
        if not early:
            return
        last = self.define_stmts[-1]
        if self.ctx.parent(last) is not self.ctx.module:
            self.why = ("FLAGS is read before tf.app.run parses it and the flags are not defined at "
                        "module level (TF1 parses sys.argv on the first read)")
            return
        self.early_parse = last


def _is_attr_name(parent, name) -> bool:
    """``name`` is the ``.attr`` of an attribute (``x.FLAGS``), not a variable."""
    return isinstance(parent, cst.Attribute) and parent.attr is name


def _module_names(module: cst.Module) -> set[str]:
    out: set[str] = set()
    for s in module.body:
        if isinstance(s, (cst.FunctionDef, cst.ClassDef)):
            out.add(s.name.value)
        elif isinstance(s, cst.SimpleStatementLine):
            for b in s.body:
                if isinstance(b, cst.Assign):
                    out.update(t.target.value for t in b.targets if isinstance(t.target, cst.Name))
                elif isinstance(b, cst.ImportFrom) and not isinstance(b.names, cst.ImportStar):
                    for a in b.names:
                        n = a.asname.name if a.asname else a.name
                        if isinstance(n, cst.Name):
                            out.add(n.value)
    return out


def _in_function(ctx, node) -> bool:
    n = ctx.parent(node)
    while n is not None:
        if isinstance(n, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return True
        n = ctx.parent(n)
    return False


def _help(arg: cst.Arg) -> cst.BaseExpression:
    """argparse %-formats help strings: a literal '%' is doubled."""
    v = literal(arg.value, None)
    if isinstance(v, str) and "%" in v:
        return cst.SimpleString(repr(v.replace("%", "%%")))
    return arg.value


class AppFlags(Rule):
    ID = "TFM141"
    TRIGGERS = ("tensorflow",)
    NAME = "app-flags"
    MESSAGE = "tf.app.flags / tf.flags DEFINE_* + FLAGS + tf.app.run -> argparse (same names, defaults, help)"
    RATIONALE = (
        "TF1's flags are absl flags on one process-wide FLAGS object, parsed from sys.argv by "
        "tf.app.run (unknown flags tolerated and passed on: FLAGS(argv, known_only=True)) before it "
        "calls sys.exit(main(argv)). Translation: FLAGS_PARSER = argparse.ArgumentParser("
        "allow_abbrev=False) and FLAG_VALUES = argparse.Namespace() (helpers); each DEFINE_x(name, "
        "default, help) -> FLAGS_PARSER.add_argument('--name', type=..., default=..., help=...) with "
        "int / float / str types, absl's list parser (flag_list: comma-separated, csv quoting, "
        "stripped) and enum choices; argparse parses a string default with the type as absl does. "
        "A boolean flag accepts --x (True), --x=true|false|t|f|1|0 in any case (flag_bool) and --nox "
        "(False), as absl; unlike absl, '--x value' (a space, not '=') consumes the next argument. "
        "FLAGS = tf.app.flags.FLAGS -> FLAGS = FLAG_VALUES, so FLAGS.x reads work anywhere; "
        "tf.app.run(main, argv) -> sys.exit(main(argv[:1] + FLAGS_PARSER.parse_known_args(argv[1:], "
        "namespace=FLAG_VALUES)[1])): unknown arguments reach main's argv as in TF1. FLAGS read at "
        "module level before tf.app.run (TF1 parses on the first read) get a parse_known_args after "
        "the last DEFINE. Every flag printed: FLAGS.__flags (TF <= 1.4's dict of values) -> vars(FLAGS); "
        "for attr in FLAGS: ... FLAGS[attr].value (absl's) -> for attr in vars(FLAGS): ... getattr(FLAGS, "
        "attr) - the file's flags only, where absl listed its own too. "
        "Not translated (TODO, nothing of the file's flags changed): other flag "
        "kinds (multi, bounds), flags read here but defined in another module (TF1's FLAGS is "
        "global), FLAGS used as a FlagValues object. Differences: integer strings in hex/octal "
        "('0x10') and single-dash long flags ('-seed 1') that absl accepts are errors in argparse.")
    ORDER = 40

    def _use(self) -> FlagsUse:
        return self.ctx.analysis(FlagsUse)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        u = self._use()
        if not u.used:
            return updated
        key = id(original)
        if key not in u.defines and key not in u.runs and key not in u.methods and original is not u.bad:
            return updated
        if u.why is not None:
            self.todo(original, f"flags not translated: {u.why}")
            return updated
        self.ctx.count(self)
        if key in u.methods:
            if u.methods[key] == "flag_values_dict":
                return expr("dict(vars({v}))", v=updated.func.value)
            self.ctx.use_helper(VALUES)
            return expr(f"{PARSER}.parse_known_args(namespace={VALUES})")
        if key in u.runs:
            return self._run(original, updated, u)
        return self._define(original, u)

    def _run(self, original: cst.Call, updated: cst.Call, u: FlagsUse) -> cst.BaseExpression:
        main: cst.BaseExpression = cst.Name("main")
        argv: cst.BaseExpression | None = None
        for i, a in enumerate(updated.args):
            key = ("main", "argv")[i] if a.keyword is None else a.keyword.value
            if key == "main":
                main = a.value
            else:
                argv = a.value
        self.ctx.add_import("sys")
        src = argv if argv is not None else expr("sys.argv")
        if not u.defines:
            return expr("sys.exit({m}({a}))", m=main, a=src)
        self.ctx.use_helper(VALUES)
        rest = "{a}[1:], " if argv is not None else ""
        return expr("sys.exit({m}({a}[:1] + " + PARSER + ".parse_known_args(" + rest + "namespace=" + VALUES
                    + ")[1]))", m=main, a=src)

    def _define(self, original: cst.Call, u: FlagsUse) -> cst.BaseExpression:
        kind, args = u.defines[id(original)]
        self.ctx.use_helper(VALUES)
        name = literal(args["name"].value)
        opts: list = [cst.SimpleString(repr("--" + name))]
        if "short_name" in args:
            opts.append(expr("'-' + {s}", s=args["short_name"].value) if literal(args["short_name"].value, None) is None
                        else cst.SimpleString(repr("-" + literal(args["short_name"].value))))
        kw: dict = {}
        if "-" in name:
            kw["dest"] = name
        if kind == "integer":
            kw["type"] = cst.Name("int")
        elif kind == "float":
            kw["type"] = cst.Name("float")
        elif kind == "list":
            kw["type"] = cst.Name(self.ctx.use_helper("flag_list"))
        elif kind == "enum":
            kw["choices"] = args["enum_values"].value
        elif kind == "bool":
            kw["type"] = cst.Name(self.ctx.use_helper("flag_bool"))
            kw["nargs"] = "?"
            kw["const"] = cst.Name("True")
        kw["default"] = args["default"].value
        kw["help"] = _help(args["help"])
        out = call(f"{PARSER}.add_argument", *opts, **{k: v for k, v in kw.items()})
        if kind == "bool":
            neg = stmt(f"{PARSER}.add_argument({{o}}, dest={{d}}, action='store_false', "
                       "default=argparse.SUPPRESS, help=argparse.SUPPRESS)",
                       o=cst.SimpleString(repr("--no" + name)), d=cst.SimpleString(repr(name)))
            self.ctx.insert_after(original, [neg])
        if u.early_parse is not None and self.ctx.statement_of(original) is u.early_parse:
            self.ctx.insert_after(original, [stmt(f"{PARSER}.parse_known_args(namespace={VALUES})")])
        return out

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        u = self._use()
        if u.used and u.why is None and u.dict_views.get(id(original)) == "names":
            self.ctx.count(self)  # ``for attr in FLAGS:``: the namespace's flag names
            return expr("vars({f})", f=updated)
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        u = self._use()
        kind = u.dict_views.get(id(original)) if u.used and u.why is None else None
        if kind == "dict":  # ``FLAGS.__flags``: the parsed values by name
            self.ctx.count(self)
            return expr("vars({f})", f=updated.value)
        if kind == "value":  # ``FLAGS[attr].value`` in a loop over the flags' names
            self.ctx.count(self)
            sub = updated.value
            return expr("getattr({f}, {k})", f=sub.value, k=sub.slice[0].slice.value)
        if not u.used or id(original) not in u.flag_exprs:
            return updated
        if u.why is not None:
            self.todo(original, f"flags not translated: {u.why}")
            return updated
        self.ctx.use_helper(VALUES)
        self.ctx.count(self)
        return cst.Name(VALUES)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated):
        u = self._use()
        if not u.used or u.why is not None or original not in u.aliases.values():
            return updated
        self.ctx.remove_statement(original)
        return updated

    VALID = ["import argparse\nparser = argparse.ArgumentParser()\nparser.add_argument('--seed', type=int)\n"]
    INVALID = [
        Case("import tensorflow as tf\n\nFLAGS = tf.app.flags.FLAGS\n\n\ndef main(_):\n    print(FLAGS.seed)\n\n\n"
             "if __name__ == '__main__':\n    tf.app.flags.DEFINE_integer('seed', 0, 'random seed')\n"
             "    tf.app.flags.DEFINE_string('ckpt_path', None, '')\n    tf.app.run()\n",
             "import argparse\nimport sys\n\n\n# tflearn-migrate helper: FLAGS_PARSER\n"
             "FLAGS_PARSER = argparse.ArgumentParser(allow_abbrev=False)  # tf.app.flags: each DEFINE_* is one add_argument\n"
             "\n\n# tflearn-migrate helper: FLAG_VALUES\n"
             "FLAG_VALUES = argparse.Namespace()  # tf.app.flags.FLAGS: filled by FLAGS_PARSER.parse_known_args\n"
             "\n\nFLAGS = FLAG_VALUES\n\n\ndef main(_):\n    print(FLAGS.seed)\n\n\n"
             "if __name__ == '__main__':\n    FLAGS_PARSER.add_argument('--seed', type=int, default=0, help='random seed')\n"
             "    FLAGS_PARSER.add_argument('--ckpt_path', default=None, help='')\n"
             "    sys.exit(main(sys.argv[:1] + FLAGS_PARSER.parse_known_args(namespace=FLAG_VALUES)[1]))\n"),
        Case("import tensorflow as tf\nflags = tf.app.flags\nflags.DEFINE_boolean('train', True, 'train first')\nFLAGS = flags.FLAGS\nprint(FLAGS.train)\n",
             'import argparse\n\n\n# tflearn-migrate helper: FLAGS_PARSER\nFLAGS_PARSER = argparse.ArgumentParser(allow_abbrev=False)  # tf.app.flags: each DEFINE_* is one add_argument\n\n\n# tflearn-migrate helper: FLAG_VALUES\nFLAG_VALUES = argparse.Namespace()  # tf.app.flags.FLAGS: filled by FLAGS_PARSER.parse_known_args\n\n\n# tflearn-migrate helper: flag_bool\ndef flag_bool(value):\n    """absl\'s boolean flag value: true/t/1 or false/f/0, in any case."""\n    if value.lower() in ("true", "t", "1"):\n        return True\n    if value.lower() in ("false", "f", "0"):\n        return False\n    raise argparse.ArgumentTypeError(f"non-boolean argument to boolean flag: {value!r}")\n\n\nFLAGS_PARSER.add_argument(\'--train\', type=flag_bool, nargs=\'?\', const=True, default=True, help=\'train first\')\nFLAGS_PARSER.add_argument(\'--notrain\', dest=\'train\', action=\'store_false\', default=argparse.SUPPRESS, help=argparse.SUPPRESS)\nFLAGS_PARSER.parse_known_args(namespace=FLAG_VALUES)\nFLAGS = FLAG_VALUES\nprint(FLAGS.train)\n',
             (), todo=False),
        Case('import tensorflow as tf\nFLAGS = tf.flags.FLAGS\n\n\ndef main(argv):\n    print(FLAGS.lr)\n\n\ntf.app.run(main)\n',
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n# TODO(tflearn-migrate): TFM141 flags not translated: FLAGS.lr is not defined in this file (TF1's FLAGS is one process-wide object: the module defining it must share its argparse namespace)\nFLAGS = tf.flags.FLAGS\n\n\ndef main(argv):\n    print(FLAGS.lr)\n\n\n# TODO(tflearn-migrate): TFM141 flags not translated: FLAGS.lr is not defined in this file (TF1's FLAGS is one process-wide object: the module defining it must share its argparse namespace)\ntf.app.run(main)\n",
             ('TFM141', 'TFM141'), todo=True),
    ]
