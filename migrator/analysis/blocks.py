"""``BlockRewriter``: the base of the pre-steps that rewrite lists of statements (a module's body
and every indented block's), one list at a time."""
from __future__ import annotations

import libcst as cst


class BlockRewriter(cst.CSTTransformer):
    """``_block(body)`` returns the new statements of a module or an indented block, or None to
    leave them; ``changed`` counts the rewrites (a subclass adds to it)."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = 0

    def _block(self, body):
        raise NotImplementedError

    def leave_IndentedBlock(self, original, updated):
        body = self._block(updated.body)
        return updated if body is None else updated.with_changes(body=body)

    def leave_Module(self, original, updated):
        body = self._block(updated.body)
        return updated if body is None else updated.with_changes(body=body)
