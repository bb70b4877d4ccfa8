"""TFM174: Python 2 builtins (``xrange``, ``raw_input``, ``unicode`` ...) read but never bound.

A Python 2 script whose syntax Python 3 still accepts (``print(x)`` with one argument, no
``print`` statement) parses, so TFM003 (the preflight's syntax check) does not see it; its
``xrange(...)`` loops then fail with ``NameError`` under Python 3 - before migration and after.
The rewriter does not port Python 2 (2to3's job, and not a tflearn -> Keras question): each
read of such a name is reported with its line, the statement is left as written, and the rest
of the file is migrated as usual (the migrated program fails at the same line the original
fails at under Python 3). A name the module binds itself (``xrange = range``, ``from six.moves
import xrange``, a ``try: xrange / except NameError:`` fallback) or reads only under a Python
version test (``if sys.version_info[0] < 3:``, ``if PY2:``, ``six.PY2``) is not reported.
"""
from __future__ import annotations

import libcst as cst
from libcst.metadata import ScopeProvider

from ..diagnostics import Severity
from .base import Case, Rule

PY2_BUILTINS = {
    "xrange": "range",
    "raw_input": "input",
    "unicode": "str",
    "basestring": "str",
    "unichr": "chr",
    "long": "int",
    "execfile": "exec(open(f).read())",
}
_VERSION_WORDS = ("version_info", "PY2", "PY3", "python_version", "six.")


class Python2Builtins(Rule):
    ID = "TFM174"
    TRIGGERS = tuple(PY2_BUILTINS)
    NAME = "python2-builtins"
    MESSAGE = "Python 2 builtin (xrange, raw_input, unicode ...) read but never bound: port to Python 3 first"
    RATIONALE = ("Python 3 has no xrange / raw_input / unicode / basestring / unichr / long / execfile: "
                 "a script reading them fails with NameError before and after migration. Porting "
                 "Python 2 is 2to3's job (python3.11 -m lib2to3 -w FILE); the rule reports every such "
                 "read with its line and leaves it as written instead of half-porting the file.")

    def visit_Module(self, node: cst.Module) -> None:
        self._lines: set[int] = set()

    def visit_Name(self, node: cst.Name) -> None:
        py3 = PY2_BUILTINS.get(node.value)
        if py3 is None:
            return
        scope = self.ctx.meta(ScopeProvider, node, None)
        if scope is None or node.value in scope:  # bound by the module (or a fallback)
            return
        if not any(a.node is node for a in scope.accesses[node.value]):  # an attribute / keyword
            return
        if self._version_guarded(node):
            return
        line = self.ctx.position(node)[0]
        if line in self._lines:
            return
        self._lines.add(line)
        self.report(node, f"Python 2 builtin {node.value}() is not defined in Python 3 (NameError here, before "
                          f"and after migration); left as written - port the file to Python 3 first "
                          f"(2to3: {node.value} -> {py3})", severity=Severity.WARNING)

    def _version_guarded(self, node: cst.CSTNode) -> bool:
        p = self.ctx.parent(node)
        while p is not None and not isinstance(p, cst.Module):
            if isinstance(p, (cst.If, cst.IfExp)):
                test = self.ctx.module.code_for_node(p.test)
                if any(w in test for w in _VERSION_WORDS):
                    return True
            if isinstance(p, cst.Try) and any(
                    h.type is not None and "NameError" in self.ctx.module.code_for_node(h.type) for h in p.handlers):
                return True
            p = self.ctx.parent(p)
        return False

    VALID = [
        "import keras\nfor i in range(3):\n    print(i)\n",
        "import keras\ntry:\n    xrange\nexcept NameError:\n    xrange = range\nfor i in xrange(3):\n    pass\n",
        "import sys\n\nimport keras\nif sys.version_info[0] < 3:\n    text = unicode(name)\n",
        "import keras\nimport numpy as np\nx = np.long\nf(long=1)\n",
        "import keras\nfrom six.moves import xrange\nfor i in xrange(3):\n    pass\n",
    ]
    INVALID = [
        Case("import keras\nfor k in xrange(10):\n    pairs.append(k)\n", None, ("TFM174",)),
        Case("import keras\nname = raw_input('model? ')\nif isinstance(name, unicode):\n    pass\n",
             None, ("TFM174", "TFM174")),
    ]
