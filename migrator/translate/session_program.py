"""Translation pieces of TF1 session programs shared by TFM140 and TFM144."""
from __future__ import annotations
import libcst as cst


def _replace_names(node: cst.BaseExpression, params: dict[str, list[str]]) -> cst.BaseExpression:
    class T(cst.CSTTransformer):
        def visit_Attribute(self, n: cst.Attribute) -> bool:
            return True

        def leave_Attribute(self, o, u):
            return u.with_changes(attr=o.attr)

        def leave_Arg(self, o, u):
            return u.with_changes(keyword=o.keyword)

        def leave_Name(self, o, u):
            if o.value in params:
                return cst.Call(func=cst.Name(o.value), args=[cst.Arg(cst.Name(p)) for p in params[o.value]])
            return u

    return node.visit(T())
