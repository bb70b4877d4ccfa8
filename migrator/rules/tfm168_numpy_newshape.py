"""TFM168: ``np.reshape(a, newshape=s)`` in a TF1 / tflearn script -> ``np.reshape(a, s)``
(NumPy 2.4 removed the keyword; the Keras 3 environment has NumPy 2)."""
from __future__ import annotations

import libcst as cst

from ..names import dotted
from .base import Case, Rule


def _numpy_names(module: cst.Module) -> set[str]:
    """Names the module binds to numpy at its top level (``import numpy as np`` / ``import numpy``)."""
    out: set[str] = set()
    for st in module.body:
        if not isinstance(st, cst.SimpleStatementLine):
            continue
        for small in st.body:
            if isinstance(small, cst.Import):
                for a in small.names:
                    if dotted(a.name) == "numpy":
                        out.add(a.asname.name.value if a.asname is not None and isinstance(a.asname.name, cst.Name)
                                else "numpy")
    return out


def _legacy_file(module: cst.Module) -> bool:
    for st in module.body:
        if isinstance(st, cst.SimpleStatementLine):
            for small in st.body:
                if isinstance(small, cst.Import) and any(
                        (dotted(a.name) or "").split(".")[0] in ("tensorflow", "tflearn") for a in small.names):
                    return True
                if isinstance(small, cst.ImportFrom) and small.module is not None \
                        and (dotted(small.module) or "").split(".")[0] in ("tensorflow", "tflearn"):
                    return True
    return False


class NumpyNewshape(Rule):
    ID = "TFM168"
    TRIGGERS = ("newshape",)
    NAME = "numpy-newshape"
    MESSAGE = "np.reshape(a, newshape=s) -> np.reshape(a, s) (keyword removed in NumPy 2.4)"
    RATIONALE = ("TF1-era scripts (TensorFlow-Examples' gan / dcgan, tflearn's dcgan example) call "
                 "`np.reshape(g, newshape=(...))`; NumPy deprecated the keyword in 2.1 and removed it in "
                 "2.4, which the Keras 3 environment installs, so the migrated script stopped with a "
                 "TypeError after training. Passing the shape positionally is the same call in every NumPy "
                 "version. Only in files that import TensorFlow or tflearn, only for the module's own "
                 "`numpy` import names.")

    def _names(self) -> set[str]:
        cache = self.__dict__.setdefault("_np", {})
        if "names" not in cache:
            cache["names"] = _numpy_names(self.ctx.module) if _legacy_file(self.ctx.module) else set()
        return cache["names"]

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        d = dotted(original.func) or ""
        if not d.endswith(".reshape") or d.rsplit(".", 1)[0] not in self._names():
            return updated
        args = list(updated.args)
        if len(args) != 2 or args[0].keyword is not None or args[0].star \
                or args[1].keyword is None or args[1].keyword.value != "newshape":
            return updated
        self.report(original, "np.reshape(newshape=) (removed in NumPy 2.4): the shape passed positionally")
        self.ctx.count(self)
        args[1] = args[1].with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=args)

    VALID = [
        # not a TF1 / tflearn file
        "import numpy as np\ng = np.reshape(g, newshape=(4, 2))\n",
        # another module's reshape
        "import tensorflow as tf\nimport numpy as np\ng = other.reshape(tf, newshape=(4, 2))\n",
    ]
    INVALID = [
        Case("import tensorflow as tf\nimport numpy as np\ng = np.reshape(g, newshape=(4, 28, 28, 1))\n",
             "import numpy as np\ng = np.reshape(g, (4, 28, 28, 1))\n", ("TFM168",)),
        Case("import tflearn\nimport numpy\nimg = numpy.reshape(x, newshape=(28, 28))\n",
             "import numpy\nimg = numpy.reshape(x, (28, 28))\n", ("TFM168",)),
    ]
