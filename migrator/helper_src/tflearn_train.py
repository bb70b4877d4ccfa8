"""Helpers migrated code may need: tflearn optimizers, losses and metrics (TFM114, TFM115).

Real code, linted and tested; the rewriter never imports this module: it reads each
helper's text from this file (``helpers.register_source``) and writes it into the
migrated files (or their tfm_helpers.py)."""
import keras


def tflearn_categorical_crossentropy(y_true, y_pred):
    """tflearn objectives.categorical_crossentropy: probabilities renormalised, clipped to
    [1e-10, 1 - 1e-10] (Keras clips at 1e-7), summed over classes, averaged."""
    y_pred = y_pred / keras.ops.sum(y_pred, axis=-1, keepdims=True)
    y_pred = keras.ops.clip(y_pred, 1e-10, 1.0 - 1e-10)
    return keras.ops.mean(-keras.ops.sum(y_true * keras.ops.log(y_pred), axis=-1))


def tflearn_softmax_categorical_crossentropy(y_true, y_pred):
    """tflearn objectives.softmax_categorical_crossentropy: y_pred are LOGITS, even when they
    come out of a softmax layer (written out: Keras' crossentropy would take that layer's own
    logits instead)."""
    return keras.ops.mean(-keras.ops.sum(y_true * keras.ops.log_softmax(y_pred, axis=-1), axis=-1))


def tflearn_binary_crossentropy(y_true, y_pred):
    """tflearn objectives.binary_crossentropy: tf.nn.sigmoid_cross_entropy_with_logits of y_pred
    as LOGITS, averaged - even when y_pred comes out of a sigmoid layer (written out: Keras'
    crossentropy would take that layer's own logits instead)."""
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    return keras.ops.mean(keras.ops.relu(y_pred) - y_pred * y_true
                          + keras.ops.log1p(keras.ops.exp(-keras.ops.abs(y_pred))))


def tflearn_weighted_crossentropy(y_true, y_pred, weight=1.0):
    """tflearn objectives.weighted_crossentropy: tf.nn.weighted_cross_entropy_with_logits
    (positives weighted by ``weight``), averaged; y_pred are LOGITS."""
    log_weight = 1.0 + (weight - 1.0) * y_true
    softplus_neg = keras.ops.log1p(keras.ops.exp(-keras.ops.abs(y_pred))) + keras.ops.relu(-y_pred)
    return keras.ops.mean((1.0 - y_true) * y_pred + log_weight * softplus_neg)


def tflearn_mean_square(y_true, y_pred):
    """tflearn objectives.mean_square: mean of squared errors over all elements."""
    return keras.ops.mean(keras.ops.square(y_pred - y_true))


def tflearn_hinge_loss(y_true, y_pred):
    """tflearn objectives.hinge_loss: mean(max(1 - y_true * y_pred, 0)) with the labels as
    given (Keras' hinge turns 0/1 labels into -1/1 first)."""
    return keras.ops.mean(keras.ops.maximum(1.0 - y_true * y_pred, 0.0))


def tflearn_roc_auc_score(y_true, y_pred):
    """tflearn objectives.roc_auc_score: sum over (positive i, negative j) pairs with
    p_i - p_j < 0.2 of (0.2 - (p_i - p_j)) ** 3 (Yan et al.'s AUC surrogate)."""
    p = keras.ops.reshape(y_pred, (-1,))
    t = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "bool")
    diff = keras.ops.expand_dims(p, 0) - keras.ops.expand_dims(p, 1) - 0.2
    pairs = keras.ops.logical_and(keras.ops.expand_dims(t, 0),
                                  keras.ops.expand_dims(keras.ops.logical_not(t), 1))
    hit = keras.ops.logical_and(pairs, diff < 0.0)
    return keras.ops.sum(keras.ops.where(hit, -diff, 0.0) ** 3)


def tflearn_contrastive_loss(y_true, y_pred, margin=1.0):
    """tflearn objectives.contrastive_loss: y_pred is a distance, y_true 1 for similar
    pairs; SUM (not mean) over the batch, halved."""
    similar = y_true * keras.ops.square(y_pred)
    dissimilar = (1.0 - y_true) * keras.ops.square(keras.ops.maximum(margin - y_pred, 0.0))
    return keras.ops.sum(similar + dissimilar) / 2.0


def tflearn_r2(y_true, y_pred):
    """tflearn's metric='R2' (metrics.r2_op) on one batch: 1 - SSE / SST, SST around the mean of
    the batch's targets; works on 1-D outputs (single_unit) too. Keras shows its mean over the
    batches seen so far."""
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    sse = keras.ops.sum(keras.ops.square(y_true - y_pred))
    sst = keras.ops.sum(keras.ops.square(y_true - keras.ops.mean(y_true)))
    return 1.0 - sse / sst


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1RMSprop(keras.optimizers.RMSprop):
    """keras RMSprop whose mean-square accumulator starts at 1.0, as TF1's RMSPropOptimizer
    (Keras starts it at 0.0); the update rule is otherwise the same."""

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        # created with the value 1.0 (an assign in build() is lost when build runs inside
        # the traced training function)
        if name == "velocity":
            initializer = "ones"
        return super().add_optimizer_variables(trainable_variables, name, initializer)


@keras.saving.register_keras_serializable(package="tflearn_migrate")
class TF1Momentum(keras.optimizers.SGD):
    """TF1's MomentumOptimizer: accum = momentum * accum + grad, var -= lr * accum (nesterov:
    lr * (grad + momentum * accum)). Keras' SGD keeps -lr * accum in its velocity: the same
    updates while the rate is constant, not when a schedule changes it (TF1 scales the whole
    accumulated history by the current rate)."""

    def update_step(self, gradient, variable, learning_rate):
        lr = keras.ops.cast(learning_rate, variable.dtype)
        g = keras.ops.cast(gradient, variable.dtype)
        m = self.momentums[self._get_variable_index(variable)]
        momentum = keras.ops.cast(self.momentum, variable.dtype)
        self.assign(m, m * momentum + g)
        if self.nesterov:
            self.assign_sub(variable, lr * (g + momentum * m))
        else:
            self.assign_sub(variable, lr * m)


def tflearn_accuracy_op(predictions, targets):
    """tflearn metrics.accuracy_op: mean of argmax(predictions) == argmax(targets)."""
    hits = keras.ops.equal(keras.ops.argmax(predictions, axis=1), keras.ops.argmax(targets, axis=1))
    return keras.ops.mean(keras.ops.cast(hits, "float32"))


def tflearn_binary_accuracy_op(predictions, targets):
    """tflearn metrics.binary_accuracy_op: predictions are LOGITS, thresholded at 0."""
    hits = keras.ops.equal(keras.ops.cast(predictions > 0, "float32"), keras.ops.cast(targets, "float32"))
    return keras.ops.mean(keras.ops.cast(hits, "float32"))


def tflearn_top_k_op(predictions, targets, k=1):
    """tflearn metrics.top_k_op: argmax(targets) among the k highest predictions."""
    hits = keras.ops.in_top_k(keras.ops.argmax(targets, axis=1), predictions, k)
    return keras.ops.mean(keras.ops.cast(hits, "float32"))


def tflearn_r2_op(predictions, targets):
    """tflearn metrics.r2_op: 1 - SSE / SST around the mean of all targets."""
    sse = keras.ops.sum(keras.ops.square(targets - predictions))
    sst = keras.ops.sum(keras.ops.square(targets - keras.ops.mean(targets)))
    return 1.0 - sse / sst
