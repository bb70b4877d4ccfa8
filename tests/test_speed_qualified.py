"""The engine no longer resolves libcst's QualifiedNameProvider over the whole module: the
resolver asks the node's scope when a rule asks about the node. The answer must be the
provider's, node for node, on the repository's own fixtures."""
from pathlib import Path

import libcst as cst
import pytest
from libcst._metadata_dependent import LazyValue
from libcst.metadata import MetadataWrapper, QualifiedNameProvider, ScopeProvider

from migrator import cstcache
from migrator.names import NameResolver

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.py")) + sorted(
    (ROOT / "reference_models" / "legacy").glob("*.py"))


# every 9th fixture in the fast tier, every 3rd in the slow tier (time, not TensorFlow: the full
# QualifiedNameProvider pass per fixture)
PATHS = [p if i % 3 == 0 else pytest.param(p, marks=pytest.mark.slow) for i, p in enumerate(FIXTURES[::3])]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_qualified_names_on_demand_equal_the_provider(path):
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    meta = wrapper.resolve_many([QualifiedNameProvider, ScopeProvider])

    def get(provider, node, default=None):  # what MetadataDependent.get_metadata returns
        v = meta[provider].get(node, default)
        return v() if isinstance(v, LazyValue) else v

    resolver = NameResolver(module, get)
    checked = 0
    try:
        for node in cstcache.walk(module):
            if isinstance(node, (cst.Name, cst.Attribute, cst.Call)):
                key = node.func if isinstance(node, cst.Call) else node
                want = {q.name for q in get(QualifiedNameProvider, key, set()) or ()}
                got = {q.name for q in resolver._qualified_names(key)}
                assert got == want, (path.name, cst.Module([]).code_for_node(key))
                checked += 1
    finally:
        cstcache.clear()
    assert checked
