"""TF1 model classes used across the modules of one run (``model.py`` defines ``class Siamese``
with placeholders, towers and a loss; ``train.py`` does ``import model`` /
``siamese = model.Siamese()``, minimizes ``siamese.loss`` and feeds ``siamese.x1``).

Per-file migration sees one module. The runner (``runner.run``) computes, before migrating,
the facts every file needs about the OTHER modules - as it does for the names other files
import (``Options.exports``) - and hands them to each file's migration in
``Options.classes``: one :class:`ClassFacts` per model class that another file of the run
instantiates. Both sides decide from the same facts:

* the defining file (``TF1Classes``: a class never instantiated in its own file) translates
  the class body (placeholders -> ``keras.Input`` attributes) only when ``why`` is empty;
* each importing file builds a remote :class:`~migrator.analysis.tf1_classes.ClassProgram`
  from ``placeholders`` / ``direct`` (roles and dependencies, as the defining file's analysis
  found them) and translates ``model.Siamese()``'s train op, runs and savers as TFM144 does in
  one file; with a non-empty ``why`` it keeps them, TODO-marked with that reason.

``why`` is the first reason found on any side (the class's own, or a user file's, prefixed
with that file's name), so the class is translated everywhere or nowhere: a Keras class body
next to a TF1 ``sess.run`` in another file would dangle across modules.

Computing the facts runs the analyses (never the rules) on the few files involved: those
defining a class with placeholders whose module another file of the run imports, and the
files importing it. The rewriter's rule: no TensorFlow / Keras import here.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import libcst as cst

NEVER_INSTANTIATED = "the class is never instantiated in this file"


@dataclass(frozen=True)
class ClassFacts:
    module: str                                       # the defining module's file stem
    name: str                                         # the class name
    placeholders: tuple[tuple[str, str], ...]         # (attribute, role) in the class's order
    direct: tuple[tuple[str, tuple[str, ...]], ...]   # attribute -> the attributes it reads
    why: str = ""                                     # non-empty: translated nowhere, and why
    loss: str = ""                                    # the loss attribute a user file minimizes
    users: tuple[str, ...] = field(default=())        # file names (basename) instantiating it


def stem_of(path: str) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem == "__init__":
        stem = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return stem


def imported_modules(module: cst.Module) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """The imports of ``module`` (any level): ``{local name: module stem}`` for ``import X [as m]``
    and ``{local name: (module stem, imported name)}`` for ``from X import C [as D]``."""
    from ..cstcache import walk

    mods: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    for st in walk(module):  # function-level imports too (``def main(): import model``)
        if not isinstance(st, cst.SimpleStatementLine):
            continue
        for small in st.body:
            if isinstance(small, cst.Import):
                for a in small.names:
                    dotted = cst.helpers.get_full_name_for_node(a.name) or ""
                    if a.asname is not None and isinstance(a.asname.name, cst.Name):
                        mods[a.asname.name.value] = dotted.rsplit(".", 1)[-1]
                    elif "." not in dotted:
                        mods[dotted] = dotted
            elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                stem = (cst.helpers.get_full_name_for_node(small.module) or "").rsplit(".", 1)[-1] \
                    if small.module is not None else ""
                for a in small.names:
                    if not isinstance(a.name, cst.Name):
                        continue
                    local = a.asname.name.value if a.asname is not None and isinstance(a.asname.name, cst.Name) \
                        else a.name.value
                    names[local] = (stem, a.name.value)
                    mods.setdefault(local, a.name.value)  # ``from . import model``: a module too
    return mods, names


def analysis_context(text: str, path: str, options):
    """A FileContext over ``text`` with the metadata the analyses read (no rule runs)."""
    from libcst.codemod import CodemodContext
    from libcst.metadata import MetadataWrapper, PositionProvider, QualifiedNameProvider, ScopeProvider
    from libcst._metadata_dependent import LazyValue

    from ..engine import FileContext, LegacyBindings
    from ..names import NameResolver

    wrapper = MetadataWrapper(cst.parse_module(text))
    res = wrapper.resolve_many([QualifiedNameProvider, ScopeProvider, PositionProvider])
    ctx = FileContext(CodemodContext(filename=path), options, path)

    def meta(provider, node, default=None):
        v = res[provider].get(node, default)
        return v() if isinstance(v, LazyValue) else v

    ctx._meta = meta
    ctx.module = wrapper.module
    ctx.source = text
    ctx.resolver = NameResolver(ctx.module, ctx._meta)
    ctx.bindings = LegacyBindings(ctx.module, ctx.resolver)
    return ctx


def _simple(cp) -> str:
    """What the cross-module translation does not cover in the class itself ("" if nothing):
    it moves placeholders, towers and tensors; sessions, train ops, summaries or hyper
    placeholders inside the class stay single-file programs."""
    if cp.method_ops or cp.session_attr or cp.session_params or cp.summary_attrs or cp.numerics_attrs or cp.twice \
            or cp.store_functions or cp.holder_params:
        return f"class {cp.name} runs or trains itself (a train op, session or summary in its methods)"
    hyper = [a for a, p in cp.placeholders.items() if p.role not in ("input", "label")]
    if hyper:
        return f"scalar placeholder self.{hyper[0]} of a class used by another module"
    return ""


_TF = re.compile(r"\bplaceholder\b")
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+\.*([\w.]*)[ \t]+)?import[ \t]+(\([^)]*\)|[^\n#;]*)", re.M)


def cross_module_classes(files: list[tuple[str, str]], options) -> tuple[ClassFacts, ...]:
    """``files``: (path, text) of the run. The facts of every TF1 model class some OTHER file
    of the run instantiates (see the module docstring)."""
    from .. import cstcache
    from .tf1_classes import TF1Classes

    by_stem: dict[str, list[tuple[str, str]]] = {}
    for path, text in files:
        by_stem.setdefault(stem_of(path), []).append((path, text))
    importers: dict[str, list[tuple[str, str]]] = {}  # module stem -> the files importing it
    for path, text in files:
        stems = set()
        for m in _IMPORT.finditer(text):
            if m.group(1) is not None:  # from X import a, b (a, b may be modules: from . import model)
                stems.add(m.group(1).rsplit(".", 1)[-1])
            for part in m.group(2).strip("()").replace("\\", " ").split(","):  # import X, Y.Z as w
                stems.add(part.split(" as ")[0].strip().rsplit(".", 1)[-1])
        for st in stems:
            importers.setdefault(st, []).append((path, text))
    candidates = []
    for path, text in files:
        stem = stem_of(path)
        if len(by_stem[stem]) != 1 or "class " not in text or not _TF.search(text):
            continue
        users = [(p, t) for p, t in importers.get(stem, ()) if p != path]
        if users:
            candidates.append((path, text, stem, users))
    if not candidates:
        return ()
    base = _without_classes(options)
    out: list[ClassFacts] = []
    for path, text, stem, users in candidates:
        try:
            cstcache.clear()
            tc = TF1Classes(analysis_context(text, path, base))
        except Exception:  # a file the migration itself will report on
            continue
        finally:
            cstcache.clear()
        for cp in tc.classes.values():
            # the files importing the module that name the class, and any other file of the run
            # calling / reaching a class of that name (importlib, getattr: not followed -> why)
            named = re.compile(r"\b%s\b" % re.escape(cp.name))
            used = re.compile(r"(?:\.[ \t]*%s\b|\b%s[ \t]*\()" % (re.escape(cp.name), re.escape(cp.name)))
            mine = [(p, t) for p, t in users if named.search(t)]
            mine += [(p, t) for p, t in files if p != path and (p, t) not in mine and used.search(t)
                     and not re.search(r"^[ \t]*class[ \t]+%s\b" % re.escape(cp.name), t, re.M)]
            if not mine:
                continue
            own_why = "" if cp.why == NEVER_INSTANTIATED else cp.why
            if cp.instances:  # its own file runs it too: two programs over one class, not merged
                own_why = (f"{cp.name} is also instantiated in {os.path.basename(path)} itself "
                           "(a program there and one in another module are not translated together)")
            facts = ClassFacts(stem, cp.name, tuple((a, p.role) for a, p in cp.placeholders.items()),
                               tuple((a, tuple(sorted(d))) for a, d in sorted(cp.direct.items())),
                               own_why or _simple(cp), "", tuple(os.path.basename(p) for p, _ in mine))
            out.append(_users_verdict(facts, mine, base))
    return tuple(out)


def with_modules(options, path: str, text: str, modules) -> object:
    """``options`` for migrating ``path`` in a run that also holds ``modules`` ((file name,
    source) pairs, in the same directory): what ``runner.run`` computes for a directory (rule
    examples with ``Case.modules``)."""
    import dataclasses

    if not modules:
        return options
    d = os.path.dirname(path)
    files = [(path, text)] + [(os.path.join(d, n), t) for n, t in modules]
    return dataclasses.replace(options, classes=cross_module_classes(files, options))


def _without_classes(options):
    import dataclasses

    return dataclasses.replace(options, classes=())


def _users_verdict(facts: ClassFacts, users: list[tuple[str, str]], options) -> ClassFacts:
    """Analyse each user file with the class's facts: the loss its train op minimizes and the
    first reason one of them cannot be translated."""
    import dataclasses

    from .. import cstcache
    from .tf1_classes import TF1Classes

    probe = dataclasses.replace(options, classes=(facts,))
    why, loss = facts.why, ""
    for path, text in users:
        try:
            cstcache.clear()
            tc = TF1Classes(analysis_context(text, path, probe))
        except Exception as ex:
            why = why or f"{os.path.basename(path)} could not be analysed ({type(ex).__name__})"
            continue
        finally:
            cstcache.clear()
        cps = [cp for cp in tc.classes.values() if getattr(cp, "remote", None) is facts]
        if not cps and not why:  # names the class, but not through an import the analysis follows
            why = f"{os.path.basename(path)} names {facts.name} in a way that is not followed"
        for cp in cps:
            if cp.why and not why:
                why = f"{os.path.basename(path)}: {cp.why}"
            losses = {t.loss for t in cp.train_ops}
            if len(losses) == 1:
                if loss and loss not in losses:
                    why = why or "two files minimize different losses"
                loss = loss or losses.pop()
    if not why and not loss:
        why = "no file of the run trains it (minimize of its loss)"
    return dataclasses.replace(facts, why=why, loss=loss)
