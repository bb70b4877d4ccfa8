"""The legacy runtime: run unmodified tflearn 0.5.0 / TensorFlow-1 code on TensorFlow 2.21.

Only ever used in a subprocess of its own (``python -m migrator.legacy.run``): it switches
TensorFlow to graph mode and legacy tf-keras, which must never share a process with Keras 3.
See ``shim.py`` for exactly what is patched.
"""
