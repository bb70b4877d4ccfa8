"""Static analyses shared by rules (built lazily per file via ``ctx.analysis(cls)``)."""
