"""TFM127: tflearn GANs (tflearn's examples/images/gan.py) -> TflearnTrainOpsDNN.

Two ``regression(placeholder=None, loss=<tensor>, trainable_vars=get_layer_variables_by_scope(S))``
TrainOps, one DNN: tflearn's Trainer runs, per batch step, a step of the generator's TrainOp then
one of the discriminator's, each over its own variables, on its own batch stream. The slow test
runs a small GAN of that shape (initial weights given as arrays, unshuffled, batch sizes 5 and 4
on 12 rows: the streams wrap differently) in the legacy runtime (tflearn 0.5.0) and migrated; the
generator's outputs after 3 epochs must agree. Negative controls: the other TrainOp order, and
each TrainOp updating every variable (no var list), differ.
"""
from __future__ import annotations

import numpy as np
import pytest

from migrator.engine import Options, migrate_source
from tests.test_tflearn_layer_vars import _keras, _legacy, _migrate

GAN = """\
import json
import numpy as np
import tensorflow.compat.v1 as tf
import tflearn

rs = np.random.RandomState(0)
Wg1 = (rs.randn(4, 6) * 0.5).astype('float32')
Wg2 = (rs.randn(6, 5) * 0.5).astype('float32')
Wd1 = (rs.randn(5, 6) * 0.5).astype('float32')
Wd2 = (rs.randn(6, 1) * 0.5).astype('float32')
X = rs.rand(12, 5).astype('float32')
Z = rs.uniform(-1., 1., size=[12, 4]).astype('float32')


def generator(x, reuse=False):
    with tf.variable_scope('Generator', reuse=reuse):
        x = tflearn.fully_connected(x, 6, activation='relu', weights_init=Wg1)
        x = tflearn.fully_connected(x, 5, activation='sigmoid', weights_init=Wg2)
        return x


def discriminator(x, reuse=False):
    with tf.variable_scope('Discriminator', reuse=reuse):
        x = tflearn.fully_connected(x, 6, activation='relu', weights_init=Wd1)
        x = tflearn.fully_connected(x, 1, activation='sigmoid', weights_init=Wd2)
        return x


gen_input = tflearn.input_data(shape=[None, 4], name='input_noise')
disc_input = tflearn.input_data(shape=[None, 5], name='disc_input')
gen_sample = generator(gen_input)
disc_real = discriminator(disc_input)
disc_fake = discriminator(gen_sample, reuse=True)
disc_loss = -tf.reduce_mean(tf.log(disc_real) + tf.log(1. - disc_fake))
gen_loss = -tf.reduce_mean(tf.log(disc_fake))
gen_vars = tflearn.get_layer_variables_by_scope('Generator')
gen_model = tflearn.regression(gen_sample, placeholder=None, optimizer='adam', loss=gen_loss, learning_rate=0.1,
                               trainable_vars=gen_vars, batch_size=5, name='target_gen', op_name='GEN',
                               shuffle_batches=False)
disc_vars = tflearn.get_layer_variables_by_scope('Discriminator')
disc_model = tflearn.regression(disc_real, placeholder=None, optimizer='adam', loss=disc_loss, learning_rate=0.1,
                                trainable_vars=disc_vars, batch_size=4, name='target_disc', op_name='DISC',
                                shuffle_batches=False)
gan = tflearn.DNN(gen_model)
gan.fit(X_inputs={gen_input: Z, disc_input: X}, Y_targets=None, n_epoch=3, snapshot_epoch=False)
print('RESULT' + json.dumps(np.asarray(gan.predict([Z])).tolist()))
"""


def _out(src: str) -> str:
    return migrate_source(src, "example.py", Options(fixes=False)).code


def test_translation_shape():
    code = _migrate(GAN)
    assert "with keras.name_scope('Generator'):" in code
    assert "with keras.name_scope('Discriminator'):" in code
    assert "gen_vars = TflearnScopeVariables('Generator')" in code
    assert "gen_model = gen_sample" in code and "disc_model = disc_real" in code
    assert "gan = TflearnTrainOpsDNN(\n    [gen_input, disc_input],\n    gen_model," in code
    # creation order: the generator's TrainOp first, each with its own batch size and shuffle
    assert code.index("(gen_loss, keras.optimizers.Adam(") < code.index("(disc_loss, keras.optimizers.Adam(")
    assert "gen_vars, 5, False)" in code and "disc_vars, 4, False)" in code
    assert "gan.fit(X_inputs={gen_input: Z, disc_input: X}, Y_targets=None, n_epoch=3, snapshot_epoch=False)" in code
    assert "gan.predict([Z])" in code
    assert _out(code) == code  # idempotent


@pytest.mark.parametrize("edit, why", [
    ("gan = tflearn.DNN(gen_model)", "print(len(gen_vars))\ngan = tflearn.DNN(gen_model)"),  # var list read
    ("snapshot_epoch=False)", "snapshot_epoch=False, validation_set=0.1)"),
    ("gan = tflearn.DNN(gen_model)", "gan = tflearn.DNN(gen_model, checkpoint_path='ck')"),
    ("gan.fit(", "gan.save('g.tfl')\ngan.fit("),                          # another use of the model
    ("placeholder=None, optimizer='adam', loss=disc_loss", "optimizer='adam', loss='categorical_crossentropy'"),
    ("weights_init=Wd2)", "weights_init=Wd2, regularizer='L2')"),        # added to every TrainOp
])
def test_declines_what_the_helper_does_not_cover(edit, why):
    src = GAN.replace(edit, why)
    assert src != GAN
    code = _out(src)
    assert "TflearnTrainOpsDNN" not in code and "TflearnScopeVariables" not in code
    assert "TODO(tflearn-migrate)" in code
    assert "keras.name_scope" not in code


def test_generator_built_twice_is_one_encoder():
    # the generator built again with reuse=True: TFM205 makes it one encoder, its scope still names it
    src = GAN.replace("gen_sample = generator(gen_input)",
                      "gen_sample = generator(gen_input)\nagain = generator(gen_input, reuse=True)")
    code = _migrate(src)
    assert "with keras.name_scope('Generator'):" in code
    assert "keras.Model(encoder_input, generator(encoder_input), name='encoder')" in code
    assert "again = encoder(gen_input)" in code


def test_scope_of_a_builder_called_with_reuse_keeps_its_todo():
    # without TFM205's encoder, a builder called with reuse=True shares: its scope is not dropped
    src = GAN.replace("gen_sample = generator(gen_input)",
                      "gen_sample = generator(gen_input)\nagain = generator(gen_input, reuse=True)")
    code = migrate_source(src, "example.py", Options(fixes=False, ignore=frozenset({"TFM205"}))).code
    assert "TODO(tflearn-migrate): TFM138 variable_scope shares variables" in code
    assert "with tf.variable_scope('Generator', reuse=reuse):" in code
    # called once (reuse left out or False): nothing is shared, the scope goes (as keras.name_scope)
    code = migrate_source(GAN, "example.py", Options(fixes=False, ignore=frozenset({"TFM205"}))).code
    assert "with keras.name_scope('Generator'):" in code


@pytest.mark.slow
def test_gan_matches_tflearn(tmp_path):
    legacy = tmp_path / "legacy.py"
    legacy.write_text(GAN)
    code = _migrate(GAN)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(code)
    want, got = np.array(_legacy(legacy)), np.array(_keras(migrated))
    assert want.shape == got.shape == (12, 5)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)  # learning rate 0.1: float32 drift ~5e-5
    # it trained: the untrained generator gives other outputs
    untrained = tmp_path / "untrained.py"
    untrained.write_text(code.replace("n_epoch=3", "n_epoch=0"))
    assert np.abs(np.array(_keras(untrained)) - want).max() > 1e-3
    # negative control: the discriminator's TrainOp first
    loop = "for (model, _, _), stream in zip(self.train_ops, streams):"
    assert loop in code
    swapped = tmp_path / "swapped.py"
    swapped.write_text(code.replace(loop, "for (model, _, _), stream in reversed(list(zip(self.train_ops, streams))):"))
    d_swapped = np.abs(np.array(_keras(swapped)) - want).max()
    assert d_swapped > 1e-2
    # negative control: every TrainOp updating every variable (no trainable_vars)
    every = tmp_path / "every.py"
    line = "model.train_vars = variables.resolve(model.trainable_variables) \\"
    assert line in code
    every.write_text(code.replace(line, "model.train_vars = None and variables.resolve(model.trainable_variables) \\"))
    d_every = np.abs(np.array(_keras(every)) - want).max()
    assert d_every > 1e-2


NESTED = """\
import tensorflow.compat.v1 as tf
import tflearn


def generator(x, reuse=False):
    with tf.variable_scope('Generator', reuse=reuse):
        return tflearn.fully_connected(x, 5, activation='sigmoid')


def discriminator(x, reuse=False):
    with tf.variable_scope('Discriminator', reuse=reuse):
        return tflearn.fully_connected(x, 1, activation='sigmoid')


noise = tflearn.input_data(shape=[None, 4])
real = tflearn.input_data(shape=[None, 5])
disc_fake = discriminator(generator(noise))
disc_real = discriminator(real, reuse=True)
"""


def test_encoder_input_shape_does_not_call_the_inner_tower_again():
    # dcgan.py: the first discriminator tower's input is a generator call; the encoder's input
    # takes its shape from another tower input, so the generator is built once (not twice)
    code = _out(NESTED)
    assert "encoder_input = keras.Input(shape=real.shape[1:])" in code
    assert code.count("generator(noise)") == 1
    assert "disc_fake = encoder(generator(noise))" in code
    assert _out(code) == code
