"""engine/layer_lines.py: nested layer applications the migration wrote become one layer call
per line, only where that is the same program."""
from __future__ import annotations

import libcst as cst

from migrator.engine import migrate_source
from migrator.engine.layer_lines import split_statement
from migrator.options import Options


def _split(line: str) -> str | None:
    out = split_statement(cst.parse_statement(line + "\n"))
    return None if out is None else cst.Module(body=out).code


def test_a_nested_chain_becomes_one_call_per_line():
    assert _split("h = keras.layers.Dense(3)(keras.layers.Dropout(0.5)(keras.layers.Flatten()(y)))") == (
        "h = keras.layers.Flatten()(y)\nh = keras.layers.Dropout(0.5)(h)\nh = keras.layers.Dense(3)(h)\n")


def test_left_alone_where_the_split_would_change_the_program():
    # two layers of one class: Keras names them at construction (dense, dense_1), inner first
    assert _split("h = keras.layers.Dense(3)(keras.layers.Dense(4)(x))") is None
    # an outer constructor reading the target would read the inner value once split
    assert _split("h = keras.layers.Dense(h.shape[-1])(keras.layers.Flatten()(x))") is None
    # not a plain-name target; a single call; not keras.layers
    assert _split("self.h = keras.layers.Dense(3)(keras.layers.Flatten()(x))") is None
    assert _split("h = keras.layers.Dense(3)(x)") is None
    assert _split("h = f(3)(keras.layers.Flatten()(x))") is None


def test_migrated_tflearn_fully_connected_on_a_conv_output():
    src = ("import tflearn\n"
           "net = tflearn.input_data(shape=[None, 8, 8, 1])\n"
           "net = tflearn.conv_2d(net, 4, 3, activation='relu')\n"
           "net = tflearn.fully_connected(net, 10, activation='softmax')\n")
    out = migrate_source(src, "m.py").code
    flat = migrate_source(src, "m.py", Options(wrap_lines=False)).code
    assert "(keras.layers.Flatten()(net))" in flat  # the rule writes the nested form
    rest = out.split("net = keras.layers.Flatten()(net)\n", 1)[1]
    assert rest.startswith("net = keras.layers.Dense("), out
    dense = rest.split("(net)\n", 1)[0]
    assert "activation='softmax'" in dense and "Flatten" not in dense
    assert migrate_source(out, "m.py").code == out
