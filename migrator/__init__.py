"""tflearn-migrate: rewrite tflearn / TensorFlow 1 code into Keras 3.

The rewriter (everything under ``migrator`` except ``migrator.legacy``,
``migrator.reference`` and ``migrator.weights``) depends on libcst only and never
imports TensorFlow, tflearn or Keras.
"""

__version__ = "0.1.0"
TODO_MARKER = "TODO(tflearn-migrate)"
