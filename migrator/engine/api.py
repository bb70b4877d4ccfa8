"""The library API: ``migrate_source`` (one module's text, no I/O)."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import FileResult
from ..options import Options
from ..parsing import parse_module
from .command import MigrateCommand
from .import_passes import CodemodContext


def migrate_source(source: str, path: str = "<string>", options: Options | None = None) -> FileResult:
    """Migrate one module's source text (no I/O). Parse errors are reported, not raised."""
    options = options or Options()
    try:
        tree = parse_module(source)
    except cst.ParserSyntaxError as ex:
        from ..preflight import describe_parse_error

        return FileResult(path, "failed", reason=describe_parse_error(source, ex), code=source)
    ctx = CodemodContext(filename=path)
    cmd = MigrateCommand(ctx, options, display_path=path)
    new = cmd.transform_module(tree, source)
    diags = sorted(cmd.fctx.diagnostics, key=lambda d: (d.line, d.col, d.rule))
    if getattr(cmd.fctx, "failed", False):
        return FileResult(path, "failed", diags, reason=diags[-1].message if diags else "",
                          code=source, counts=dict(cmd.fctx.counts))
    out = cmd._code_of(new)
    return FileResult(path, "migrated" if out != source else "unchanged", diags, code=out,
                      counts=dict(cmd.fctx.counts))
