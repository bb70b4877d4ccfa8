"""A sharing scope kept by the first run stays kept by the second.

tflearn's dcgan example builds its generator with tflearn layers inside
``tf.variable_scope('Generator', reuse=reuse)`` and calls it twice: TF1 shares the weights,
so TFM138 keeps the scope with a TODO. The layers inside are Keras layers after that run;
read afresh they would look unshared and the scope would be unwrapped - the second run
changed the file and dropped the TODO (found by scripts/realworld_check.py on tflearn's
examples)."""
from __future__ import annotations

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

SRC = """import tensorflow as tf
import tflearn


def generator(x, reuse=False):
    with tf.variable_scope('Generator', reuse=reuse):
        x = tflearn.fully_connected(x, 16, activation='relu')
        x = tflearn.fully_connected(x, 4, activation='sigmoid')
        return x


def discriminator(x, reuse=False):
    with tf.variable_scope('Discriminator', reuse=reuse):
        x = tflearn.fully_connected(x, 8, activation='tanh')
        return tflearn.fully_connected(x, 2, activation='softmax')


noise = tflearn.input_data(shape=[None, 8])
real = tflearn.input_data(shape=[None, 4])
gen_input = tflearn.input_data(shape=[None, 8])
disc_fake = discriminator(generator(noise))
disc_real = discriminator(real, reuse=True)
gen_net = generator(gen_input, reuse=True)
stacked = discriminator(gen_net, reuse=True)
"""


def test_kept_sharing_scope_is_stable():
    # the first generator tower evaluated only under a condition: TFM205 keeps its TODO, so
    # TFM138 keeps the scope (the plain ``discriminator(generator(noise))``: see below)
    src = SRC.replace("discriminator(generator(noise))", "discriminator(generator(noise) if noise is not None else noise)")
    assert src != SRC
    for opts in (Options(), Options(fixes=False)):
        first = migrate_source(src, "g.py", opts)
        assert first.status == "migrated", first.reason
        assert f"{TODO_MARKER}: TFM138" in first.code
        assert "with tf.variable_scope('Generator', reuse=reuse):" in first.code
        second = migrate_source(first.code, "g.py", opts)
        assert second.code == first.code


def test_generator_inside_discriminator_becomes_two_encoders():
    """dcgan's ``discriminator(generator(noise))``: the generator tower (inside the expression)
    and the discriminator tower both share in TF1 - two encoders, no scope kept, stable."""
    for opts in (Options(), Options(fixes=False)):
        first = migrate_source(SRC, "g.py", opts)
        assert first.status == "migrated", first.reason
        assert TODO_MARKER not in first.code and "variable_scope" not in first.code
        assert "disc_fake = encoder_2(encoder(noise))" in first.code
        assert "gen_net = encoder(gen_input)" in first.code and "stacked = encoder_2(gen_net)" in first.code
        assert migrate_source(first.code, "g.py", opts).code == first.code


TOWERS = """import tensorflow as tf


def tower(x, reuse=False):
    with tf.variable_scope('t', reuse=reuse):
        w = tf.get_variable('w', [4, 2])
        return tf.matmul(x, w)


a = tower(x1)
b = tower(x2, reuse=True)
d = a - b
"""


def test_ignored_encoder_rule_second_run_changes_nothing():
    """With TFM205 ignored the shared towers stay (scope TODO-marked); a second run with the
    same options must not read the Keras layers inside as unshared and build the encoder
    (TFM201's fix) - and a later run with TFM205 on gives what one run with it gives."""
    opts = Options(ignore=frozenset({"TFM205"}))
    first = migrate_source(TOWERS, "t.py", opts)
    assert f"{TODO_MARKER}: TFM138" in first.code and "keras.Model(" not in first.code
    assert migrate_source(first.code, "t.py", opts).code == first.code
    assert migrate_source(first.code, "t.py", Options()).code == migrate_source(TOWERS, "t.py", Options()).code
