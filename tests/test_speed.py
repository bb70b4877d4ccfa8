"""The speed-ups change nothing: the fast unused-import decision equals libcst's scope
analysis, the field-based children / parents equal libcst's, and the progress / per-file time
plumbing works. (Timing targets live in scripts/bench_migrate.py, not here.)"""
import io
import json
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import GatherUnusedImportsVisitor
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from migrator import cstcache
from migrator.diagnostics import FileResult
from migrator.engine import migrate_source
from migrator.fastimports import unused_imports
from migrator.progress import Reporter, cli_mode
from migrator.report import slowest, write_report

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.py")) + sorted(
    (ROOT / "reference_models" / "legacy").glob("*.py"))

LEGACY = ("tensorflow", "tflearn")


def _legacy(alias: cst.ImportAlias, stmt: cst.CSTNode) -> bool:
    """Schedule every tensorflow / tflearn import (what the engine does)."""
    if isinstance(stmt, cst.ImportFrom):
        mod = cst.Module([]).code_for_node(stmt.module) if stmt.module is not None else ""
        return mod.split(".")[0] in LEGACY
    return alias.evaluated_name.split(".")[0] in LEGACY


def _libcst_unused(module: cst.Module) -> set[str]:
    wrapper = MetadataWrapper(module)
    wrapper.resolve_many(GatherUnusedImportsVisitor.get_inherited_dependencies())
    gatherer = GatherUnusedImportsVisitor(CodemodContext(wrapper=wrapper))
    wrapper.visit(gatherer)
    return {cst.Module([]).code_for_node(a).rstrip(", ") for a, stmt in gatherer.unused_imports
            if _legacy(a, stmt)}


def _fast_unused(module: cst.Module) -> set[str] | None:
    out = unused_imports(module, _legacy)
    return None if out is None else {cst.Module([]).code_for_node(a).rstrip(", ") for a in out}


CASES = {
    "unused": ("import tensorflow as tf\nimport tflearn\nx = 1\n", {"tensorflow as tf", "tflearn"}),
    "used_after": ("import tensorflow as tf\nx = tf.zeros(1)\n", set()),
    "used_in_def": ("def f():\n    return tf.zeros(1)\nimport tensorflow as tf\n", set()),
    "used_in_class": ("import tflearn\nclass A:\n    net = tflearn.input_data\n", set()),
    "read_before_import": ("x = tf\nimport tensorflow as tf\n", {"tensorflow as tf"}),
    "attr_and_keyword_only": ("import tensorflow as tf\nx.tf = f(tf=1)\n", {"tensorflow as tf"}),
    "from_import": ("from tflearn.layers.core import dropout, fully_connected\nfully_connected(1)\n",
                    {"dropout"}),
    "lambda_and_comprehension": ("import tensorflow as tf\nf = lambda: tf\n", set()),
    "fstring": ("import tensorflow as tf\nprint(f'{tf.__version__}')\n", set()),
    # module-level rebinding: every later read still reaches the import (libcst's accesses take
    # every earlier binding of their scope)
    "rebound": ("import tensorflow as tf\ntf = None\n", {"tensorflow as tf"}),
    "rebound_then_read": ("from tflearn import regression\nregression = regression(1)\nx = regression\n", set()),
    "rebound_by_def": ("import tflearn\ndef tflearn():\n    pass\n", {"tflearn"}),
    # parameters of a def / lambda: reads inside are the parameter's
    "shadowed_param": ("import tensorflow as tf\ndef f(tf):\n    return tf\n", {"tensorflow as tf"}),
    "shadowed_param_closure": ("import tensorflow as tf\ndef f(tf=1):\n    def g():\n        return [tf for _ in 'ab']\n"
                               "    return g\n", {"tensorflow as tf"}),
    "lambda_param": ("import tensorflow as tf\nf = lambda tf: tf\n", {"tensorflow as tf"}),
    "param_and_module_read": ("import tensorflow as tf\ndef f(*, tf):\n    return tf\ny = tf\n", set()),
    # a subscript string is a type-annotation string only by its words
    "subscript_string": ("from tflearn.datasets import cifar10\nX = h5f['cifar10_X']\n", {"cifar10"}),
}

AMBIGUOUS = {  # the fast path must hand these to libcst (None), never guess
    "rebound_in_def": "import tensorflow as tf\ndef f():\n    tf = None\n    return tf\n",
    "param_default": "import tensorflow as tf\ndef f(x=tf):\n    return x\n",
    "param_and_local_read_elsewhere": "import tensorflow as tf\ndef f(tf):\n    pass\nclass A:\n    tf = 1\n    y = tf\n",
    "param_and_other_def_read": "import tensorflow as tf\ndef f(tf):\n    return tf\ndef g():\n    return tf\n",
    "loop_target": "import tensorflow as tf\nfor tf in range(3):\n    pass\n",
    "nested_import": "def f():\n    import tensorflow as tf\n    return 1\n",
    "dotted": "import tensorflow.compat.v1\nx = 1\n",
    "dunder_all": "import tflearn\n__all__ = ['tflearn']\n",
    "string_annotation": "import tensorflow as tf\ndef f(x: 'tf.Tensor'):\n    pass\n",
    "same_statement": "import tensorflow as tf; x = tf\n",
    "global": "import tensorflow as tf\ndef f():\n    global tf\n",
    "comprehension_before": "y = [tf for _ in z]\nimport tensorflow as tf\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_unused_imports_equal_libcst(name):
    src, expected = CASES[name]
    module = cst.parse_module(src)
    assert _fast_unused(module) == expected
    assert _libcst_unused(module) == expected


@pytest.mark.parametrize("name", sorted(AMBIGUOUS))
def test_fast_unused_imports_defer_to_libcst(name):
    assert _fast_unused(cst.parse_module(AMBIGUOUS[name])) is None


@pytest.mark.slow  # no TensorFlow, but every fixture: the slow tier's budget
def test_fast_unused_imports_on_fixtures():
    """On every legacy fixture where the fast walk decides, it decides like libcst."""
    decided = 0
    for path in FIXTURES:
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        fast = _fast_unused(module)
        if fast is not None:
            decided += 1
            assert fast == _libcst_unused(module), path
    assert decided >= len(FIXTURES) // 2


def test_engine_checks_fast_imports_against_libcst(monkeypatch):
    """MIGRATOR_CHECK_IMPORTS=1 runs libcst's own removal beside the fast one and fails the
    file (TFM009) on any difference: a real migration passes it."""
    monkeypatch.setenv("MIGRATOR_CHECK_IMPORTS", "1")
    src = ("import numpy as np\nimport tensorflow as tf\nimport tflearn\n"
           "net = tflearn.input_data(shape=[None, 8])\nnet = tflearn.fully_connected(net, 2)\n"
           "y = tf.placeholder_with_default(1.0, [])\n")
    res = migrate_source(src, "m.py")
    assert res.status == "migrated", res.reason
    assert not [d for d in res.diagnostics if d.rule == "TFM009"]
    assert "import tflearn" not in res.code


@pytest.mark.parametrize("path", FIXTURES[:12], ids=lambda p: p.name)
def test_children_and_parents_equal_libcst(path, monkeypatch):
    monkeypatch.setattr(cstcache, "_CHECK", True)  # every children() call compared with libcst
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    cstcache.clear()
    try:
        nodes = list(cstcache.walk(module))
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        parents = wrapper.resolve(ParentNodeProvider)
        ours = cstcache.parent_map(module)
        assert len(ours) == len(parents) == len(nodes) - 1
        assert all(ours[id(n)] is p for n, p in parents.items())
    finally:
        cstcache.clear()


class _Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_progress_bar_shows_done_total_and_eta():
    out, clock = io.StringIO(), _Clock()
    r = Reporter(4, "bar", stream=out, clock=clock)
    clock.t = 2.0
    r.step()
    assert out.getvalue().startswith("\r\033[2K[######")
    assert "1/4 files (25%), 2.0s elapsed, ETA 6.0s" in out.getvalue()
    for _ in range(3):
        r.step()
    assert "4/4 files (100%)" in out.getvalue() and "done" in out.getvalue()
    r.close()
    assert out.getvalue().endswith("\r\033[2K")


def test_progress_lines_when_not_a_tty_and_nothing_when_quiet():
    out, clock = io.StringIO(), _Clock()
    r = Reporter(100, "lines", stream=out, clock=clock)
    r.step()                      # under 2 s: short runs print nothing
    assert out.getvalue() == ""
    clock.t = 3.0
    r.step()
    clock.t = 4.0
    r.step()                      # at most one line per 5 s
    clock.t = 9.0
    r.step(97)                    # the last file: a closing line
    lines = out.getvalue().splitlines()
    assert lines == ["progress: 2/100 files (2%), 3.0s elapsed, ETA 2m27s",
                     "progress: 100/100 files (100%), 9.0s elapsed, done"]
    quiet = io.StringIO()
    q = Reporter(3, "off", stream=quiet, clock=clock)
    q.step(3)
    q.close()
    assert quiet.getvalue() == ""
    assert cli_mode(True) == "off" and cli_mode(False, io.StringIO()) == "lines"


def test_per_file_seconds_in_json_report_and_slowest_files(tmp_path):
    results = [FileResult("a.py", "migrated", seconds=0.5), FileResult("b.py", "unchanged", seconds=2.25),
               FileResult("c.py", "skipped")]
    assert slowest(results) == "slowest: b.py 2.25s, a.py 0.50s"
    report = tmp_path / "r.json"
    write_report(report, results, mode="out", fixes=True)
    doc = json.loads(report.read_text())
    by_path = {f["path"]: f for f in doc["files"]}
    assert by_path["b.py"]["seconds"] == 2.25 and "seconds" not in by_path["c.py"]
    assert FileResult.from_json(by_path["a.py"]).seconds == 0.5


def test_cli_reports_per_file_seconds(tmp_path):
    from migrator.cli import main

    src = tmp_path / "m.py"
    src.write_text("import tflearn\nnet = tflearn.input_data(shape=[None, 4])\n", encoding="utf-8")
    report = tmp_path / "r.json"
    assert main([str(src), "--out", str(tmp_path / "out.py"), "--report", str(report), "-q",
                 "--jobs", "1"]) == 0
    (f,) = json.loads(report.read_text())["files"]
    assert f["status"] == "migrated" and f["seconds"] > 0


def test_matcher_decorated_methods_still_found():
    """The engine's shortcut for libcst's @m.visit scan only skips classes without any."""
    import libcst.matchers as m

    import migrator.engine  # noqa: F401 - installs the shortcut

    class Counter(m.MatcherDecoratableTransformer):
        def __init__(self):
            super().__init__()
            self.names = []

        @m.visit(m.Name())
        def seen(self, node):
            self.names.append(node.value)

    class Plain(m.MatcherDecoratableTransformer):
        pass

    c = Counter()
    cst.parse_module("a = b\n").visit(c)
    assert c.names == ["a", "b"]
    assert Plain()._extra_visit_funcs == {} and c._extra_visit_funcs


def test_memoised_batched_visitors_equal_libcst():
    """libcst_speedups: each provider's visit_/leave_ methods, found once per class, are the ones
    libcst's own getmembers scan finds, bound to the instance asked; an instance with its own
    hook attributes is scanned as before."""
    from libcst.metadata import ExpressionContextProvider, PositionProvider, ScopeProvider

    from migrator import libcst_speedups

    libcst_speedups.install()
    for cls in (ScopeProvider, ExpressionContextProvider):
        for _ in range(2):  # the first call learns the names, the second uses them
            p = cls()
            ours, theirs = p.get_visitors(), libcst_speedups._original(p)
            assert list(ours) == list(theirs) and ours
            assert all(ours[k].__self__ is p and ours[k].__func__ is theirs[k].__func__ for k in ours)
    import types

    def visit_Name(self, node):  # an instance's own bound hook: libcst's scan finds it
        return None

    p = ScopeProvider()
    p.visit_Name = types.MethodType(visit_Name, p)
    assert "visit_Name" in p.get_visitors() and list(p.get_visitors()) == list(libcst_speedups._original(p))
    assert PositionProvider  # not batchable: libcst computes it without get_visitors
    module = cst.parse_module("import tflearn\nx = tflearn.input_data(shape=[None, 2])\n")
    scopes = MetadataWrapper(module).resolve(ScopeProvider)
    assert any(a.name == "tflearn" for s in set(scopes.values()) if s is not None for a in s.assignments)


@pytest.mark.parametrize("path", FIXTURES[:6], ids=lambda p: p.name)
def test_walk_rl_is_the_stack_walk_order(path):
    """cstcache.walk_rl (memoised for a module): the order of a stack walk pushing
    ``children(n)`` (what tf1_program / TFM140 / arg_scopes / flow walked before)."""
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    cstcache.clear()
    try:
        expect, stack = [], [module]
        while stack:
            n = stack.pop()
            expect.append(n)
            stack.extend(n.children)
        got = cstcache.walk_rl(module)
        assert len(got) == len(expect) and all(a is b for a, b in zip(got, expect))
        assert cstcache.walk_rl(module) is got  # memoised
        inner = module.body[-1]
        assert [id(n) for n in cstcache.walk_rl(inner)] == [id(n) for n in expect[expect.index(inner):][:len(list(cstcache.walk_rl(inner)))]]
    finally:
        cstcache.clear()


_SPEEDUP_SOURCES = [
    "import tflearn\nclass A(B, metaclass=M):\n    x: int = (1 + [2][0])\n    def f(self, *a, k={1: 2}):\n"
    "        return {3, 4}, (lambda y: y)(a)\n",
    *[p.read_text(encoding="utf-8") for p in FIXTURES[:4]],
]


def _libcst_originals(monkeypatch):
    """Put back libcst's own functions that libcst_speedups replaced (for this test)."""
    from migrator import libcst_speedups

    assert libcst_speedups.ORIGINALS  # installed
    for (cls, name), fn in libcst_speedups.ORIGINALS.items():
        monkeypatch.setattr(cls, name, fn)


def test_isinstance_on_libcst_classes_unchanged():
    """libcst's ABCs answer isinstance / issubclass by type's own check: the same answers."""
    import abc

    from migrator import libcst_speedups

    libcst_speedups.install()
    assert type(cst.Name) is libcst_speedups._ExactABCMeta
    name, call = cst.Name("x"), cst.parse_expression("f(x)")
    assert isinstance(name, cst.BaseExpression) and isinstance(name, (cst.Attribute, cst.Name))
    assert not isinstance(name, cst.Attribute) and not isinstance(call, cst.BaseStatement)
    assert issubclass(cst.Call, cst.BaseExpression) and not issubclass(cst.Call, cst.BaseSmallStatement)
    for cls in (cst.CSTNode, cst.BaseExpression, cst.Name):
        assert abc.ABCMeta.__instancecheck__(cls, name) == isinstance(name, cls)


@pytest.mark.parametrize("src", _SPEEDUP_SOURCES)
def test_readonly_visit_calls_libcst_hooks_in_order(src, monkeypatch):
    """A CSTVisitor's visit walks the children instead of rebuilding the tree: the same
    hooks on the same nodes in the same order as libcst's own visit (field hooks included)."""
    from libcst.metadata import ScopeProvider

    module = cst.parse_module(src)

    class Rec(cst.CSTVisitor):
        def __init__(self):
            self.log = []

        def on_visit(self, node):
            self.log.append(("visit", id(node)))
            return type(node) is not cst.Lambda  # a subtree skipped

        def on_leave(self, node):
            self.log.append(("leave", id(node)))

        def visit_ClassDef_bases(self, node):
            self.log.append(("bases", id(node)))

        def leave_ClassDef_bases(self, node):
            self.log.append(("/bases", id(node)))

    fast = Rec()
    assert module.visit(fast) is module
    fast_scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    with monkeypatch.context() as m:
        _libcst_originals(m)
        slow = Rec()
        module.visit(slow)
        slow_scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    assert fast.log == slow.log and len(fast.log) > 20
    assert {id(n): id(s) for n, s in fast_scopes.items()}.keys() == {id(n) for n in slow_scopes}
    for n, s in fast_scopes.items():
        t = slow_scopes[n]
        assert (s is None) == (t is None)
        if s is not None:
            assert sorted(a.name for a in s.assignments) == sorted(a.name for a in t.assignments)
            assert sorted(a.node.value for a in s.accesses if hasattr(a.node, "value")) == \
                sorted(a.node.value for a in t.accesses if hasattr(a.node, "value"))


@pytest.mark.parametrize("src", _SPEEDUP_SOURCES)
def test_codegen_and_positions_equal_libcst(src, monkeypatch):
    """The code generation speed-ups print the same text and give the same positions."""
    from libcst.metadata import PositionProvider, WhitespaceInclusivePositionProvider

    module = cst.parse_module(src)

    def run():
        w = MetadataWrapper(module, unsafe_skip_copy=True)
        pos = {P: {id(n): (r.start.line, r.start.column, r.end.line, r.end.column) for n, r in w.resolve(P).items()}
               for P in (PositionProvider, WhitespaceInclusivePositionProvider)}
        return module.code, [module.code_for_node(s) for s in module.body], pos

    fast = run()
    with monkeypatch.context() as m:
        _libcst_originals(m)
        slow = run()
    assert fast == slow and fast[0] == src


def test_children_order_not_guessed_from_nodes_with_other_fields(monkeypatch):
    """cstcache learns each class's field order from the nodes it meets; a field first seen
    next to a known field that this node leaves empty is not placed by guess (``params``
    learned from ``def f(a)``, then ``def g(*a, k)``: where ``params`` goes relative to
    ``star_arg`` is not known from these two). Whatever the files met before, children come
    in libcst's order."""
    monkeypatch.setattr(cstcache, "_ORDER", {})
    monkeypatch.setattr(cstcache, "_EXTRA", {})
    for src in ("def f(a):\n    pass\n", "def g(*a, k):\n    pass\n", "def h(x, *a, k):\n    pass\n",
                "def i(p, /, q, *, r, **kw):\n    pass\n", "def j(x, *a, k):\n    pass\n"):
        params = cst.parse_statement(src).params
        assert [id(c) for c in cstcache.children_of(params)] == [id(c) for c in params.children], src


def test_cli_gc_threshold_for_the_run_only(tmp_path, monkeypatch):
    """The CLI raises the youngest GC generation's threshold for the run (the workers fork
    with it) and gives the caller's setting back afterwards."""
    import gc

    from migrator import cli

    seen = []
    real = cli.migrate_main

    def spy(args):
        seen.append(gc.get_threshold()[0])
        return real(args)

    monkeypatch.setattr(cli, "migrate_main", spy)
    src = tmp_path / "m.py"
    src.write_text("import tflearn\nnet = tflearn.input_data(shape=[None, 4])\n", encoding="utf-8")
    before = gc.get_threshold()
    assert cli.main([str(src), "--out", str(tmp_path / "out.py"), "-q", "--jobs", "1"]) == 0
    assert seen == [cli.GC_THRESHOLD] and gc.get_threshold() == before


def test_legacy_name_memo_matches_the_resolver(monkeypatch):
    """FileContext.legacy_name (memoised per original node) answers what the resolver answers,
    on first and repeated asks."""
    from migrator.engine.context import FileContext

    got = []
    real = FileContext.legacy_name

    def spy(self, node):
        name = real(self, node)
        if node is not None:
            got.append(name == self.resolver.legacy_name(node))
        return name

    monkeypatch.setattr(FileContext, "legacy_name", spy)
    for src in FIXTURES[:6]:
        migrate_source(src.read_text(encoding="utf-8"), str(src))
    assert len(got) > 50 and all(got)


def test_emit_templates_parsed_once_give_libcst_results():
    """emit.expr / emit.stmt keep each parsed template: the filled trees are libcst's own
    parse_template_* results, a new tree per call, and the kept template is never changed."""
    import libcst as cst
    from libcst.helpers import parse_template_expression, parse_template_statement

    from migrator import emit

    cases = [("keras.ops.mean({x}, axis={a})", {"x": cst.Name("loss"), "a": 1}),
             ("{m}.fit({x}, {y}, epochs=3)", {"m": cst.Name("model"), "x": cst.Name("X"), "y": cst.Name("Y")}),
             ("keras.layers.Dense(10)", {})]
    for template, holes in cases:
        nodes = {k: emit.to_node(v) for k, v in holes.items()}
        first = emit.expr(template, **holes)
        again = emit.expr(template, **{k: (cst.Name("other") if isinstance(v, cst.Name) else v)
                                       for k, v in holes.items()})
        assert emit.code(first) == emit.code(parse_template_expression(template, **nodes))
        assert first is not again and emit.code(emit.expr(template, **holes)) == emit.code(first)
        if holes:
            assert "other" in emit.code(again) and "other" not in emit.code(first)
    s = emit.stmt("{t} = {v}\n", t=cst.Name("a"), v=3)
    assert emit.code(s) == emit.code(parse_template_statement("{t} = {v}\n", t=cst.Name("a"), v=emit.to_node(3)))
    for bad in ("{x} +", "{x} = 1"):  # not an expression: raises as libcst's does
        try:
            emit.expr(bad, x=cst.Name("y"))
        except Exception:
            pass
        else:
            raise AssertionError(bad)
    before = len(emit._TEMPLATES)
    for i in range(5000):
        emit.expr("keras.layers.Dense(%d)" % i)
    assert len(emit._TEMPLATES) <= 4096 and before <= 4096
