"""The helpers migrated code may need, as real modules (``helpers.register_source`` reads
their text; the rewriter never imports them: they import keras / numpy)."""
