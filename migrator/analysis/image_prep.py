"""tflearn ImagePreprocessing / ImageAugmentation objects: which kind, whether a normalization layer needs adapt() (TFM120, TFM117)."""
from __future__ import annotations
import libcst as cst
from ..cstcache import walk as _walk
from ..analysis.flow import Flow


PREP = ("tflearn.data_preprocessing.ImagePreprocessing", "tflearn.data_preprocessing.DataPreprocessing")
AUG = ("tflearn.data_augmentation.ImageAugmentation",)


def prep_object_kind(ctx, node: cst.BaseExpression, at: cst.CSTNode) -> str | None:
    """'prep' / 'aug' when ``node`` (original) names an object built by ImagePreprocessing() /
    ImageAugmentation() (or DataPreprocessing()), else None."""
    if not isinstance(node, cst.Name):
        return None
    d = ctx.analysis(Flow).def_of(node.value, at)
    if d is None or not isinstance(d.value, cst.Call):
        return None
    q = ctx.legacy_name(d.value)
    if q in PREP:
        return "prep_image" if q == PREP[0] else "prep_data"
    if q in AUG:
        return "aug"
    return None


def needs_adapt(ctx, node: cst.BaseExpression, at: cst.CSTNode) -> bool:
    """Does the preprocessing object ``node`` compute featurewise statistics at fit time?"""
    if prep_object_kind(ctx, node, at) not in ("prep_image", "prep_data"):
        return False
    assert isinstance(node, cst.Name)
    for n in _walk(ctx.module):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) \
                and isinstance(n.func.value, cst.Name) and n.func.value.value == node.value \
                and n.func.attr.value in ("add_featurewise_zero_center", "add_featurewise_stdnorm"):
            return True
    return False
