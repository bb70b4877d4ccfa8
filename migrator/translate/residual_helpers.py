"""Keras helpers of tflearn's residual blocks, registered for TFM112 and TFM124."""
from __future__ import annotations
from ..helpers import register


_K = (("keras", None, None),)

register("tflearn_fresh_initializer", '''
def tflearn_fresh_initializer(init):
    """A new initializer object for each layer: a Keras initializer object without a seed
    draws the SAME values at every call; tflearn draws new values for every variable."""
    init = keras.initializers.get(init)
    if isinstance(init, keras.initializers.Initializer):
        return type(init).from_config(init.get_config())
    return init
''', imports=_K)

register("tflearn_pre_activation", '''
def tflearn_pre_activation(x, activation, batch_norm=True):
    """tflearn batch_normalization with its defaults (gamma ~ N(1.0, 0.002), beta 0,
    decay 0.9, epsilon 1e-5; always trainable), if batch_norm, then the activation."""
    if batch_norm:
        x = keras.layers.BatchNormalization(
            momentum=0.9,
            epsilon=1e-5,
            gamma_initializer=keras.initializers.RandomNormal(mean=1.0, stddev=0.002),
        )(x)
    return keras.layers.Activation(activation)(x)
''', imports=_K)

register("tflearn_residual_shortcut", '''
def tflearn_residual_shortcut(identity, strides, out_channels):
    """tflearn's residual shortcut: avg_pool_2d(identity, strides, strides) ('same') when
    strides > 1, then (out - in) // 2 zero channels on each side when the channel counts
    differ."""
    if strides > 1:
        identity = keras.layers.AveragePooling2D(pool_size=strides, strides=strides, padding="same")(identity)
    in_channels = identity.shape[-1]
    if in_channels != out_channels:
        ch = (out_channels - in_channels) // 2
        if ch < 0 or in_channels + 2 * ch != out_channels:
            raise ValueError(f"tflearn pads {in_channels} channels with {ch} on each side, which "
                             f"cannot give {out_channels} (tflearn 0.5.0 fails here too)")
        identity = keras.ops.pad(identity, [[0, 0], [0, 0], [0, 0], [ch, ch]])
    return identity
''', imports=_K)

register("tflearn_residual_block", '''
def tflearn_residual_block(incoming, nb_blocks, out_channels, downsample=False, downsample_strides=2,
                           activation="relu", batch_norm=True, bias=True, kernel_initializer=None,
                           bias_initializer="zeros", kernel_regularizer=None, trainable=True):
    """tflearn 0.5.0 residual_block: nb_blocks full pre-activation blocks
    (BN, act, 3x3 conv with the strides, BN, act, 3x3 conv) + tflearn's shortcut. As in
    tflearn, downsample=True downsamples in EVERY block. kernel_initializer=None: Keras'
    default (the migrator writes tflearn's out)."""
    strides = downsample_strides if downsample else 1
    x = incoming
    for _ in range(nb_blocks):
        identity = x
        for s in (strides, 1):
            x = tflearn_pre_activation(x, activation, batch_norm)
            x = keras.layers.Conv2D(
                out_channels, 3, strides=s, padding="same", use_bias=bias,
                kernel_initializer=tflearn_fresh_initializer(kernel_initializer or "glorot_uniform"),
                bias_initializer=tflearn_fresh_initializer(bias_initializer),
                kernel_regularizer=kernel_regularizer, trainable=trainable,
            )(x)
        identity = tflearn_residual_shortcut(identity, strides, out_channels)
        x = keras.layers.Add()([x, identity])
    return x
''', imports=_K, requires=("tflearn_fresh_initializer", "tflearn_pre_activation", "tflearn_residual_shortcut"))

register("tflearn_residual_bottleneck", '''
def tflearn_residual_bottleneck(incoming, nb_blocks, bottleneck_size, out_channels, downsample=False,
                                downsample_strides=2, activation="relu", batch_norm=True, bias=True,
                                kernel_initializer=None, bias_initializer="zeros", kernel_regularizer=None,
                                trainable=True):
    """tflearn 0.5.0 residual_bottleneck: BN, act, 1x1 conv (strides, 'valid'), BN, act,
    3x3 conv, 1x1 conv to out_channels with the activation. As in tflearn, the shortcut
    (and the activation after the sum) is added only in blocks whose input does not have
    out_channels channels; downsample=True downsamples in EVERY block."""
    strides = downsample_strides if downsample else 1

    def conv(x, filters, size, s, padding, act="linear"):
        return keras.layers.Conv2D(
            filters, size, strides=s, padding=padding, activation=act, use_bias=bias,
            kernel_initializer=tflearn_fresh_initializer(kernel_initializer or "glorot_uniform"),
            bias_initializer=tflearn_fresh_initializer(bias_initializer),
            kernel_regularizer=kernel_regularizer, trainable=trainable,
        )(x)

    x = incoming
    for _ in range(nb_blocks):
        identity = x
        x = tflearn_pre_activation(x, activation, batch_norm)
        x = conv(x, bottleneck_size, 1, strides, "valid")
        x = tflearn_pre_activation(x, activation, batch_norm)
        x = conv(x, bottleneck_size, 3, 1, "same")
        x = conv(x, out_channels, 1, 1, "valid", activation)
        if identity.shape[-1] != out_channels:
            identity = tflearn_residual_shortcut(identity, strides, out_channels)
            x = keras.layers.Add()([x, identity])
            x = keras.layers.Activation(activation)(x)
    return x
''', imports=_K, requires=("tflearn_fresh_initializer", "tflearn_pre_activation", "tflearn_residual_shortcut"))
