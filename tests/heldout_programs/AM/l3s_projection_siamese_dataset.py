"""Held-out program (round AM) mirroring L3S/ndid_SiameseNetworks (``sidd/model/alexnet.py``,
``sidd/model/siamese.py``, ``sidd/loss/contrastive.py``, ``sidd/utils/distance.py``,
``cnn_base.py``, ``cnn_siamese.py``): near-duplicate image detection in two stages - a CNN
classifier (a ``tf.keras.Model`` subclass built by calling ``Model.__init__`` with a
``Sequential``'s input and output, its ``compile`` / ``fit`` overridden with defaults) is trained
first; its penultimate layer gives an embedding model (layers frozen); the embeddings of the
training images feed a Siamese PROJECTION model (another ``Model`` subclass: one shared
``Sequential`` projection applied to two embedding inputs, a ``Lambda`` cosine distance made with
``layers.Dot(normalize=True)``) trained with a ``tf.keras.losses.Loss`` subclass (contrastive) on
random pairs built by a ``tf.data`` pipeline (``window(2)`` / ``flat_map`` / a ``tf.function``
map); the INFERENCE model chains the embedding model and the projection. Rewritten in our own
words and scaled to sklearn's digits (8x8x1 images, 10 classes).

Idioms kept: ``from tensorflow.keras import layers, callbacks, Sequential, Model``; a module-level
``callbacks.TensorBoard(logdir, histogram_freq=1)`` used as a ``fit`` default argument; a
``Sequential([...])`` list of ``Conv2D`` / ``BatchNormalization`` / ``MaxPool2D`` / ``Flatten`` /
``Dense`` / ``Dropout(rate=)`` with ``model.add(layers.Dense(name='predictions', ...))`` when
``include_top``; ``super(AlexNetModel, self).__init__(inputs=model.input, outputs=model.output,
name=...)``; ``compile(self, optimizer=..., loss=tf.keras.losses.SparseCategoricalCrossentropy(),
metrics=['accuracy'], **kwargs)`` forwarding to ``super().compile``; ``fit(self, x=None, y=None,
batch_size=None, epochs=..., callbacks=[tensorboard_cb], **kwargs)``; ``get_embedding_model``:
``Model(inputs=self.input, outputs=self.layers[-2].output)`` with ``layer.trainable = False``;
the Siamese model's
``layers.Input(embedding_vector_dimension)`` (an int shape), ``tf.keras.models.Sequential([...],
name=...)`` projection, ``layers.Lambda(cosine_distance)([v1, v2])`` where ``cosine_distance``
returns ``1 - layers.Dot(axes=1, normalize=True)(vector)``; ``embedding_model.output_shape[1]``;
``compile(self, loss, loss_margin=None, optimizer=..., **kwargs)`` passing ``loss(margin=...)``
(a loss CLASS handed in); ``ContrastiveLoss(tf.keras.losses.Loss)`` with ``__init__(self,
margin=1.0)`` and ``call`` using ``tf.convert_to_tensor`` / ``tf.dtypes.cast`` /
``tf.math.square`` / ``tf.math.maximum``; ``prepare_dataset`` as a ``@staticmethod``:
``Dataset.zip((from_tensor_slices(v), from_tensor_slices(l))).cache().shuffle(1000).repeat()``,
``window(2, drop_remainder=True)``, ``flat_map(lambda w1, w2: Dataset.zip((w1.batch(2),
w2.batch(2))))``, a ``@tf.function`` ``make_label_for_pair`` returning ``((e[0, :], e[1, :]),
tf.cast(labels[0] == labels[1], tf.uint32))``, ``map(..., num_parallel_calls=tf.data.AUTOTUNE,
deterministic=False)``, ``batch``; ``fit(emb_ds, steps_per_epoch=...)``; embeddings computed with
``emb_model.predict``. Stage 1's ``tf.data`` image datasets (``map(preprocess_input)`` with
``tf.image.per_image_standardization``) are NumPy arrays standardised the same way here: the
legacy runtime's graph-mode Keras 2 fits a dataset only with ``steps_per_epoch`` and
``validation_steps``.

Bugs kept: ``get_embedding_model`` freezes the layers it SHARES with the classifier (the
classifier is frozen too, harmless here because it is not trained again); the pair labels are
``uint32``; about nine pairs in ten are different-class pairs (no balancing: the class weights
are commented out in the repository); the optimizers are the ``optimizers.legacy`` ones
(tf-keras 2.21's default optimizers need eager execution; the repository's TF 2 ran them
eagerly). Not kept: the dataset registry and CLI parameters, the imagenet / finetune weight
modes, weight files, the embedding projector, FAISS range / kNN search.
"""
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from tensorflow.keras import layers, callbacks, Sequential, Model

tensorboard_cb = callbacks.TensorBoard(os.path.join(tempfile.mkdtemp(), 'cnn/fit'))
siamese_tensorboard_cb = callbacks.TensorBoard(os.path.join(tempfile.mkdtemp(), 'siamese/fit'), histogram_freq=1)

TARGET_SHAPE = (8, 8)
PRETRAIN_EPOCHS = 8
IMAGE_VECTOR_DIMENSIONS = 8
DEFAULT_MARGIN = 0.5
NUM_EPOCHS = 3
TRAIN_BATCH_SIZE = 128
STEPS_PER_EPOCH = 60


def cosine_distance(vector):
    # 1 - cosine similarity: 0 same direction, 2 opposite
    return 1 - layers.Dot(axes=1, normalize=True)(vector)


class ContrastiveLoss(tf.keras.losses.Loss):
    """Hadsell's contrastive loss on distances; y_true 1 for a matching pair."""

    def __init__(self, margin=1.0):
        super().__init__()
        self.margin = margin

    def call(self, y_true, y_pred):
        y_pred = tf.convert_to_tensor(y_pred)
        y_true = tf.dtypes.cast(y_true, y_pred.dtype)
        return y_true * tf.math.square(y_pred) + (1.0 - y_true) * tf.math.square(
            tf.math.maximum(self.margin - y_pred, 0.0)
        )


def create_cnn_model(input_shape, num_classes, include_top=True):
    model = Sequential([
        layers.Conv2D(filters=16, kernel_size=(3, 3), strides=(1, 1), activation='relu', padding='same',
                      input_shape=input_shape),
        layers.BatchNormalization(),
        layers.MaxPool2D(pool_size=(2, 2), strides=(2, 2)),
        layers.Conv2D(filters=32, kernel_size=(3, 3), strides=(1, 1), activation='relu', padding='same'),
        layers.BatchNormalization(),
        layers.Flatten(),
        layers.Dense(64, activation='relu'),
        layers.Dropout(rate=0.5),
    ])
    if include_top:
        model.add(layers.Dense(name='predictions', units=num_classes, activation='softmax'))
    return model


class CnnModel(Model):

    def __init__(self, input_shape=TARGET_SHAPE, num_classes=10, **kwargs):
        model = create_cnn_model(input_shape=input_shape + (1,), num_classes=num_classes)
        super(CnnModel, self).__init__(inputs=model.input, outputs=model.output, name='smallcnn')

    def compile(self,
                optimizer=tf.keras.optimizers.legacy.SGD(learning_rate=0.05),
                loss=tf.keras.losses.SparseCategoricalCrossentropy(),
                metrics=['accuracy'],
                **kwargs):
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def fit(self, x=None, y=None, batch_size=None, epochs=PRETRAIN_EPOCHS, callbacks=[tensorboard_cb], **kwargs):
        return super().fit(x=x, y=y, batch_size=batch_size, epochs=epochs, callbacks=callbacks, **kwargs)

    def get_embedding_model(self):
        core = Model(inputs=self.input, outputs=self.layers[-2].output, name=self.name + '_emb')
        for layer in core.layers:
            layer.trainable = False
        return core


class SiameseModel(Model):

    def __init__(self, embedding_model, image_vector_dimensions=IMAGE_VECTOR_DIMENSIONS,
                 loss_margin=DEFAULT_MARGIN, fit_epochs=NUM_EPOCHS, basename=None):
        if basename is None:
            basename = embedding_model.name + '_d' + str(image_vector_dimensions) + '_m' + str(loss_margin)

        embedding_vector_dimension = embedding_model.output_shape[1]
        emb_input_1 = layers.Input(embedding_vector_dimension)
        emb_input_2 = layers.Input(embedding_vector_dimension)

        projection_model = tf.keras.models.Sequential([
            layers.Dense(32, activation='relu', input_shape=(embedding_vector_dimension,)),
            layers.Dense(image_vector_dimensions, activation=None),
        ], name='siamese_projection_' + basename)

        v1 = projection_model(emb_input_1)
        v2 = projection_model(emb_input_2)

        computed_distance = layers.Lambda(cosine_distance)([v1, v2])

        im_input = embedding_model.input
        embedding = embedding_model(im_input)
        image_vector = projection_model(embedding)
        inference_model = Model(inputs=im_input, outputs=image_vector, name='siamese_inference_' + basename)

        super(SiameseModel, self).__init__(
            inputs=[emb_input_1, emb_input_2], outputs=computed_distance,
            name='siamese_' + basename
        )

        self.loss_margin = loss_margin
        self.fit_epochs = fit_epochs
        self.projection_model = projection_model
        self.inference_model = inference_model

    def compile(self, loss, loss_margin=None, optimizer=tf.keras.optimizers.legacy.RMSprop(), **kwargs):
        if loss_margin is None:
            loss_margin = self.loss_margin
        super().compile(optimizer=optimizer, loss=loss(margin=loss_margin), **kwargs)

    def fit(self, x=None, y=None, epochs=None, steps_per_epoch=STEPS_PER_EPOCH, callbacks=[siamese_tensorboard_cb],
            **kwargs):
        if epochs is None:
            epochs = self.fit_epochs
        return super().fit(x=x, y=y, epochs=epochs, steps_per_epoch=steps_per_epoch, callbacks=callbacks, **kwargs)

    @staticmethod
    def prepare_dataset(emb_vectors, emb_labels, batch_size=TRAIN_BATCH_SIZE):
        embeddings_ds = tf.data.Dataset.zip((
            tf.data.Dataset.from_tensor_slices(emb_vectors),
            tf.data.Dataset.from_tensor_slices(emb_labels)
        )).cache().shuffle(1000).repeat()

        @tf.function
        def make_label_for_pair(embeddings, labels):
            return (embeddings[0, :], embeddings[1, :]), tf.cast(labels[0] == labels[1], tf.uint32)

        # after the shuffle two neighbouring elements make a random pair
        windows_ds = embeddings_ds.window(2, drop_remainder=True)
        flat_ds = windows_ds.flat_map(lambda w1, w2: tf.data.Dataset.zip((w1.batch(2), w2.batch(2))))
        map_ds = flat_ds.map(make_label_for_pair, num_parallel_calls=tf.data.AUTOTUNE, deterministic=False)
        train_ds = map_ds.batch(batch_size)
        return train_ds


def standardize(images):
    # tf.image.per_image_standardization, in NumPy: the legacy runtime's Keras 2 fits a
    # tf.data dataset only with steps_per_epoch / validation_steps
    mean = images.mean(axis=(1, 2, 3), keepdims=True)
    std = np.maximum(images.std(axis=(1, 2, 3), keepdims=True), 1.0 / np.sqrt(images[0].size))
    return ((images - mean) / std).astype('float32')


digits = load_digits()
images = (digits.images / 16.0).astype('float32').reshape(-1, 8, 8, 1)
labels = digits.target.astype('int64')
rng = np.random.RandomState(0)
order = rng.permutation(len(labels))
tr, va, ts = order[:1100], order[1100:1300], order[1300:]
x_img = standardize(images)

# stage 1: the classifier
cnn = CnnModel()
cnn.compile()
cnn.fit(x_img[tr], labels[tr], batch_size=32, validation_data=(x_img[va], labels[va]), verbose=2)

# stage 2: the Siamese projection on the frozen embeddings
emb_model = cnn.get_embedding_model()
vectors = emb_model.predict(x_img[tr])
emb_ds = SiameseModel.prepare_dataset(vectors, labels[tr])
siamese_model = SiameseModel(embedding_model=emb_model)
siamese_model.compile(loss=ContrastiveLoss)
siamese_model.fit(emb_ds, verbose=2)

# evaluation: image vectors of the held-out images through the inference model
test_vectors = siamese_model.inference_model.predict(x_img[ts])
n_test = len(ts)
i = rng.randint(0, n_test, 600)
j = np.where(rng.rand(600) < 0.5, rng.randint(0, n_test, 600), i)
j = np.array([jj if jj != ii else (ii + 1) % n_test for ii, jj in zip(i, j)])
# half of the pairs forced same-class
same_pick = rng.rand(600) < 0.5
for k in np.where(same_pick)[0]:
    cands = np.where(labels[ts] == labels[ts][i[k]])[0]
    cands = cands[cands != i[k]]
    j[k] = rng.choice(cands)
a, b = test_vectors[i], test_vectors[j]
cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-12)
d = 1 - cos
same = (labels[ts][i] == labels[ts][j]).astype(int)
print('pairs:', len(d), 'same:', same.sum())

np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)
