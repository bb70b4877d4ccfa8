"""Held-out program (round AO) mirroring geekieo/collaborative-deep-metric-learning (a TF1
"collaborative deep metric learning" recommender: video embeddings trained with a triplet hinge
loss on co-watched pairs; ``models.py`` (``fully_connected`` helper, ``BaseModel``, the fusion
``ResNet``), ``losses.py`` (``HingeLoss``), ``train.py`` (``build_graph``,
``clip_gradient_norms``, ``calc_var``, ``Trainer``), ``predict.py`` (``Prediction``),
``evaluate.py`` (``Evaluation.mean_dist``), ``inputs.py`` (``TripletPipe``), ``utils.py``
(``find_class_by_name``, ``get_local_time``)). The modules are written as sections of one file,
in our own words (not copied), scaled to sklearn's digits: the "visual" feature is the 64 pixels,
the "doc" feature the 16 row / column ink profiles, a "co-watch" is two training images of one
digit.

Idioms kept: model and optimizer classes looked up BY NAME (``find_class_by_name(FLAGS.model,
[module])()``, ``find_class_by_name("AdamOptimizer", [tf.train])``); ``tf.flags`` defined at
module level and parsed by ``tf.app.run()``; model classes with a ``create_model(model_input,
output_size)`` method returning a dict, built under ``tf.name_scope(self.__class__.__name__)``;
a ``fully_connected`` helper over ``slim.fully_connected(activation_fn=tf.nn.leaky_relu,
weights_regularizer=slim.l2_regularizer, biases_initializer=tf.constant_initializer(b),
scope=name)``; input slices ``model_input[:, :64]`` / ``[:, 64:]`` each ``l2_normalize``d, two
towers fused by ``tf.multiply`` and residual sums, the output named ``'model_output'``; ONE
placeholder named ``input_batch`` fed a stacked ``[3B, D]`` batch reshaped in the graph to
``(-1, 3, output_size)`` and cut by ``tf.split(triplets, 3, axis=1)`` in a loss class returning a
dict of tensors; ``get_or_create_global_step`` + ``exponential_decay(staircase=True)``; the
optimizer built by a class-name test (``optimizer_class.__name__ == "MomentumOptimizer"``) and
its rate read back from a private attribute in a bare ``try / except`` (``_learning_rate`` /
``_lr``); ``tf.losses.get_regularization_losses()`` summed by ``add_n`` into a
``tf.constant(0.0)``; ``compute_gradients`` + a clip helper handling ``tf.IndexedSlices`` +
``apply_gradients(global_step=)``; every tensor stored with ``tf.add_to_collection`` and read
back with ``tf.get_collection(name)[0]``; summaries under ``name_scope('build_graph')`` and
``merge_all``; a tf.data pipe of index triplets (``from_tensor_slices`` / ``repeat`` /
``batch`` / ``shuffle`` / ``make_one_shot_iterator``) whose ``get_batch`` maps indices to a
module-level ``FEATURES`` array and returns ``None`` at the end; a ``while True: try: ...
except Exception`` training loop; a ``Prediction`` class fetching ``input_batch`` and
``<model>/model_output`` with ``graph.get_operation_by_name(..).outputs[0]``, used on the live
session for validation and, after training, on a checkpoint restored with
``tf.train.import_meta_graph`` in a new graph (``sess.graph.finalize()`` before ``restore``);
``tf.Summary(value=[tf.Summary.Value(tag=, simple_value=)])`` written by hand;
``Saver(max_to_keep=1)``; ``ConfigProto(allow_soft_placement=True)`` + ``allow_growth``.

Bugs kept: the model is SELECTED by the mean squared distance of validation co-watch pairs
(``Evaluation.mean_dist`` - smaller is "better", so the checkpoint kept is the one whose
embeddings are most collapsed, not the one that separates best); the negatives are random
items (only the anchor and positive are excluded: about one in ten is the same digit); the
pipe shuffles whole BATCHES (``shuffle`` after ``batch``); ``learning_rate_decay_examples`` is
a step count (1e6: the rate never decays); ``regularization_penalty=0`` and
``clip_gradient_norm=0`` are passed, so the regularizers are built and ignored and nothing is
clipped; ``output_size`` is ignored by the model (its layers have literal widths); every
exception in the loop is logged and the loop goes on.
Changed for the scale: widths 5000 / 400 / 256 became 256 / 48 / 64, batch 1024 -> 100,
8 epochs -> 12 (of 2050 co-watches), LARS (lr 1.0) -> Adam 0.01 (the repository's earlier
optimizer; LARS is not in the legacy runtime), 100 validations per epoch -> 2, the early-stop
check from epoch 3 -> 1 and after 40 validations without improvement -> 6 (TF1 stops at step
110, epoch 6); logging goes to stderr, checkpoints to a temporary directory. Not
kept: the multiprocessing reader of co-watch files (the repository's own earlier tf.data
``TripletPipe`` is used instead), the faiss k-NN export.
"""
import logging
import os
import sys
import tempfile
import time

import numpy as np
import tensorflow as tf
import tensorflow.contrib.slim as slim
from tensorflow import flags
from sklearn.datasets import load_digits

logging.basicConfig(
  format="%(asctime)s %(name)s:%(levelname)s:%(message)s",
  datefmt="%d-%M-%Y %H:%M:%S",
  level=logging.INFO)

FLAGS = flags.FLAGS
flags.DEFINE_string("model", "ResNet", "model class name in the models section")
flags.DEFINE_integer("feature_size", 80, "visual (64) + doc (16) feature size")

FEATURES = {}


# ---------------------------------------------------------------- utils
def find_class_by_name(name, modules):
  """Searches the provided modules for the named class and returns it."""
  modules = [getattr(module, name, None) for module in modules]
  return next(a for a in modules if a)


def get_local_time():
  return time.strftime("%y%m%d_%H%M%S", time.localtime())


# ---------------------------------------------------------------- models
def fully_connected(input_tensor,
                    output_size,
                    activation_fn=tf.nn.leaky_relu,
                    l2_penalty=1e-8,
                    bias_init=0.1,
                    name=None):
  return slim.fully_connected(input_tensor, output_size,
                              activation_fn=activation_fn,
                              weights_regularizer=slim.l2_regularizer(l2_penalty),
                              biases_initializer=tf.constant_initializer(bias_init),
                              scope=name)


class BaseModel(object):
  """Inherit from this class when implementing new models."""

  def create_model(self, unused_model_input, **unused_params):
    raise NotImplementedError()


class VNet(BaseModel):
  """visual feature only"""

  def create_model(self, model_input, output_size=64):
    with tf.name_scope(self.__class__.__name__):
      model_input = tf.nn.l2_normalize(model_input[:, :64], axis=-1, name='model_input')
      layer_1 = fully_connected(model_input, 256, bias_init=0)
      layer_2 = fully_connected(layer_1, output_size, bias_init=0)
      l2_norm = tf.nn.l2_normalize(layer_2, axis=-1, name='model_output')
      return {"layer_1": layer_1, "layer_2": layer_2, "l2_norm": l2_norm}


class ResNet(BaseModel):
  """visual + doc towers fused by multiply, residual sums above"""

  def create_model(self, model_input, output_size=64):
    with tf.name_scope(self.__class__.__name__):
      visual_input = model_input[:, :64]
      visual_input = tf.nn.l2_normalize(visual_input, axis=-1, name='visual_input')
      layer_visual_1 = fully_connected(visual_input, 256, bias_init=0.1, name="layer_visual_1")
      layer_visual_2 = fully_connected(layer_visual_1, 64, bias_init=0.1, name="layer_visual_2")
      doc_input = model_input[:, 64:]
      doc_input = tf.nn.l2_normalize(doc_input, axis=-1, name='doc_input')
      layer_doc_1 = fully_connected(doc_input, 48, bias_init=0.1, name="layer_doc_1")
      layer_doc_2 = fully_connected(layer_doc_1, 64, bias_init=0.1, name="layer_doc_2")
      layer_fusion = tf.multiply(layer_visual_2, layer_doc_2, name="multiply_fusion")
      layer_res_1 = layer_fusion + layer_visual_2 + layer_doc_2
      layer_fusion_1 = fully_connected(layer_res_1, 64, bias_init=0.1, name="layer_fusion_1")
      layer_res_2 = layer_res_1 + layer_fusion_1
      layer_fusion_2 = fully_connected(layer_res_2, 64, bias_init=0.1, name="layer_fusion_2")
      layer_res_3 = layer_res_2 + layer_fusion_2
      l2_norm = tf.nn.l2_normalize(layer_res_3, axis=-1, name='model_output')
      return {"l2_norm": l2_norm}


# ---------------------------------------------------------------- losses
class BaseLoss(object):

  def calculate_loss(self, unused_triplets, **unused_params):
    raise NotImplementedError()


class HingeLoss(BaseLoss):

  def calculate_loss(self, triplets, margin=0.1):
    with tf.name_scope("loss_hinge"):
      triplets = tf.cast(triplets, tf.float32)
      anchors, positives, negatives = tf.split(triplets, 3, axis=1)
      pos_dist = tf.reduce_sum(tf.square((anchors - positives)), axis=-1, name="pos_dist")
      neg_dist = tf.reduce_sum(tf.square((anchors - negatives)), axis=-1, name="neg_dist")
      hinge_dist = tf.maximum(pos_dist - neg_dist + margin, 0, name="hinge_dist")
      hinge_loss = tf.reduce_mean(hinge_dist, name="hinge_loss")
      tf.summary.scalar("mean_pos_dist", tf.reduce_mean(pos_dist))
      tf.summary.scalar("mean_neg_dist", tf.reduce_mean(neg_dist))
      return {'hinge_loss': hinge_loss,
              'anchors': anchors,
              'positives': positives,
              'negatives': negatives,
              'pos_dist': pos_dist,
              'neg_dist': neg_dist,
              'hinge_dist': hinge_dist}


# ---------------------------------------------------------------- inputs
def yield_negative_index(size, putback=False):
  if putback:
    while True:
      yield np.random.randint(0, size)
  else:
    indexes = list(range(size))
    np.random.shuffle(indexes)
    while True:
      for neg_index in indexes:
        yield neg_index


class TripletPipe(object):
  def __init__(self, cowatches, features):
    global FEATURES
    FEATURES = features
    self.cowatch_num = len(cowatches)
    neg_iter = yield_negative_index(len(FEATURES), putback=True)
    triplets = []
    for cowatch in cowatches:
      triplet = [int(cowatch[0]), int(cowatch[1])]
      neg = neg_iter.__next__()
      while neg in triplet:
        neg = neg_iter.__next__()
      triplet.append(neg)
      triplets.append(triplet)
    self.triplets = np.asarray(triplets, np.int64)

  def create_pipe(self, num_epochs, batch_size, buffer_size=1000):
    self.batch_size = batch_size
    dataset = tf.data.Dataset.from_tensor_slices(self.triplets)
    dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size)
    dataset = dataset.shuffle(buffer_size)
    self.iterator = dataset.make_one_shot_iterator()
    self.guid_triplets = self.iterator.get_next()
    return self.iterator

  def get_batch(self, sess):
    try:
      guid_triplets = sess.run(self.guid_triplets)
    except tf.errors.OutOfRangeError:
      logging.info('pipe end')
      return None
    return FEATURES[np.asarray(guid_triplets)]


# ---------------------------------------------------------------- evaluate
class Evaluation():
  def __init__(self, features, cowatches):
    self.features = features
    self.cowatches = cowatches

  def mean_dist(self, vectors, cowatches):
    try:
      co_vectors = vectors[cowatches]
    except Exception as e:
      logging.error("Evaluation.mean_dist " + str(e))
    distances = (co_vectors[:, 0, :] - co_vectors[:, 1, :]) ** 2
    distances = np.sum(distances, axis=-1)
    return np.mean(distances)


# ---------------------------------------------------------------- predict
class Prediction():
  def __init__(self, sess=None, ckpt=None, config=None):
    self.sess = sess
    self.ckpt = ckpt
    self.config = config
    if not sess:
      meta_graph = self.ckpt + ".meta"
      if not os.path.exists(meta_graph):
        raise IOError("Prediction __init__ Cannot find %s" % self.ckpt)
      loader = tf.train.import_meta_graph(meta_graph, clear_devices=True)
      self.sess = tf.Session(config=self.config)
      self.sess.graph.finalize()
      loader.restore(self.sess, self.ckpt)
    graph = tf.get_default_graph()
    self.input_batch = graph.get_operation_by_name('input_batch').outputs[0]
    self.output_batch = graph.get_operation_by_name(FLAGS.model + '/model_output').outputs[0]
    logging.info('Prediction __init__ Load predictor!')

  def predict(self, input_batch_np):
    return self.sess.run(self.output_batch, feed_dict={self.input_batch: input_batch_np})

  def run_features(self, features, batch_size):
    steps = int(features.shape[0] / batch_size)
    tail_size = features.shape[0] - batch_size * steps
    output = []
    for step in range(steps):
      output_batch_np = self.predict(features[step * batch_size:step * batch_size + batch_size])
      output.extend(output_batch_np.tolist())
    if tail_size:
      output_batch_np = self.predict(features[features.shape[0] - tail_size:])
      output.extend(output_batch_np.tolist())
    return np.asarray(output, np.float32)


# ---------------------------------------------------------------- train
def clip_gradient_norms(gradients_to_variables, max_norm):
  clipped_grads_and_vars = []
  for grad, var in gradients_to_variables:
    if grad is not None:
      if isinstance(grad, tf.IndexedSlices):
        tmp = tf.clip_by_norm(grad.values, max_norm)
        grad = tf.IndexedSlices(tmp, grad.indices, grad.dense_shape)
      else:
        grad = tf.clip_by_norm(grad, max_norm)
    clipped_grads_and_vars.append((grad, var))
  return clipped_grads_and_vars


def calc_var(triplets, name=None):
  with tf.name_scope(name):
    mean = tf.reduce_mean(triplets, axis=[0, 1])
    delta = triplets - mean
    return tf.reduce_mean(delta ** 2)


def build_graph(input_batch,
                model,
                output_size=64,
                loss_fn=HingeLoss(),
                base_learning_rate=0.01,
                learning_rate_decay_examples=100000,
                learning_rate_decay=0.96,
                margin=0.8,
                optimizer_class=tf.train.AdamOptimizer,
                clip_gradient_norm=1.0,
                regularization_penalty=1):
  result = model.create_model(input_batch, output_size)

  global_step = tf.train.get_or_create_global_step()
  learning_rate = tf.train.exponential_decay(
    base_learning_rate,
    global_step,
    learning_rate_decay_examples,
    learning_rate_decay,
    staircase=True)

  if optimizer_class.__name__ == "MomentumOptimizer":
    optimizer = optimizer_class(learning_rate, momentum=0.9, name='Momentum', use_nesterov=True)
  else:
    optimizer = optimizer_class(learning_rate)

  try:
    final_learning_rate = optimizer._learning_rate
  except:
    final_learning_rate = optimizer._lr

  output_batch = result["l2_norm"]
  output_triplets = tf.reshape(output_batch, (-1, 3, output_size))

  loss_result = loss_fn.calculate_loss(output_triplets, margin=margin)
  loss = loss_result['hinge_loss']

  reg_loss = tf.constant(0.0)
  reg_losses = tf.losses.get_regularization_losses()
  if reg_losses:
    reg_loss += tf.add_n(reg_losses)

  final_loss = regularization_penalty * reg_loss + loss

  gradients = optimizer.compute_gradients(final_loss,
              colocate_gradients_with_ops=False)
  if clip_gradient_norm > 0:
    with tf.name_scope('clip_grads'):
      gradients = clip_gradient_norms(gradients, clip_gradient_norm)
  train_op = optimizer.apply_gradients(gradients, global_step=global_step)

  variance = calc_var(output_triplets, "variance")

  with tf.name_scope('build_graph'):
    tf.summary.scalar("loss", loss)
    if regularization_penalty != 0:
      tf.summary.scalar("reg_loss", reg_loss)
    tf.summary.scalar("variance", variance)
    tf.summary.scalar('final_learning_rate', final_learning_rate)

  tf.add_to_collection("output_batch", output_triplets)
  tf.add_to_collection("loss", loss)
  tf.add_to_collection("train_op", train_op)
  tf.add_to_collection("anchors", loss_result["anchors"])
  tf.add_to_collection("positives", loss_result["positives"])
  tf.add_to_collection("negatives", loss_result["negatives"])
  tf.add_to_collection("pos_dist", loss_result["pos_dist"])
  tf.add_to_collection("neg_dist", loss_result["neg_dist"])
  tf.add_to_collection("hinge_dist", loss_result["hinge_dist"])
  tf.add_to_collection("hinge_loss", loss_result['hinge_loss'])
  tf.add_to_collection("final_loss", final_loss)


class Trainer():

  def __init__(self, pipe, num_epochs, batch_size, model, loss_fn, learning_rate, margin,
               checkpoint_dir, optimizer_class, config, eval_cowatches, test_cowatches,
               check_stop_epoch, best_eval_dist=1.0, eval_per_epoch=100, require_improve_num=10):
    self.pipe = pipe
    self.num_epochs = num_epochs
    self.batch_size = batch_size
    self.model = model
    self.loss_fn = loss_fn
    self.learning_rate = learning_rate
    self.margin = margin
    self.checkpoint_dir = checkpoint_dir
    self.optimizer_class = optimizer_class
    self.config = config
    self.total_eval_num = 0
    self.last_improve_num = 0
    self.check_stop_epoch = check_stop_epoch
    self.best_eval_dist = best_eval_dist
    self.eval_dist = 0.0
    self.eval_per_epoch = eval_per_epoch
    self.require_improve_num = require_improve_num
    self.evaluater = Evaluation(FEATURES, eval_cowatches)
    self.tester = Evaluation(FEATURES, test_cowatches)

  def _build_model(self, input_batch):
    build_graph(input_batch=input_batch,
                model=self.model,
                output_size=64,
                loss_fn=self.loss_fn,
                base_learning_rate=self.learning_rate,
                learning_rate_decay_examples=1000000,
                learning_rate_decay=0.96,
                margin=self.margin,
                optimizer_class=self.optimizer_class,
                clip_gradient_norm=0,
                regularization_penalty=0)

  def _eval(self, predictor, saver, sess, global_step_np, summary_writer, check_stop_step):
    self.total_eval_num += 1
    try:
      if self.evaluater.features is None:
        logging.error('Train.run evaluater.features is None')
        raise
      eval_embeddings = predictor.run_features(self.evaluater.features, batch_size=500)
      self.eval_dist = self.evaluater.mean_dist(eval_embeddings, self.evaluater.cowatches)
      if global_step_np <= check_stop_step:
        logging.info("Eval " + str(self.total_eval_num) + " | best_eval_dist: " +
            str(self.best_eval_dist) + " eval_dist: " + str(self.eval_dist) + ". Before check stop.")
        self.last_improve_num = self.total_eval_num
      elif self.eval_dist < self.best_eval_dist:
        logging.info("Eval " + str(self.total_eval_num) + " | best_eval_dist: " +
            str(self.best_eval_dist) + " > eval_dist: " + str(self.eval_dist) + ". Save ckpt.")
        self.best_eval_dist = self.eval_dist
        saver.save(sess, self.checkpoint_dir + '/model.ckpt', global_step_np)
        self.last_improve_num = self.total_eval_num
      else:
        logging.info("Eval " + str(self.total_eval_num) + " | best_eval_dist: " +
            str(self.best_eval_dist) + " < eval_dist: " + str(self.eval_dist) +
            ". From the last improvement: " + str(self.total_eval_num - self.last_improve_num))
      summary_eval = tf.Summary(value=[
        tf.Summary.Value(tag="eval/eval_dist", simple_value=self.eval_dist),
        tf.Summary.Value(tag="eval/best_eval_dist", simple_value=self.best_eval_dist)])
      summary_writer.add_summary(summary_eval, global_step_np)
    except Exception as e:
      logging.error("Train._eval " + str(e))

  def run(self):
    self.pipe.create_pipe(self.num_epochs, self.batch_size)

    logging.info("Building model graph.")
    input_batch = tf.placeholder(tf.float32, shape=(None, FLAGS.feature_size), name="input_batch")
    self._build_model(input_batch)

    global_step = tf.train.get_or_create_global_step()
    loss = tf.get_collection("loss")[0]
    output_batch = tf.get_collection("output_batch")[0]
    train_op = tf.get_collection("train_op")[0]
    init_op = tf.global_variables_initializer()

    summary_op = tf.summary.merge_all()
    saver = tf.train.Saver(max_to_keep=1)

    logging.info("Starting session.")
    with tf.Session(config=self.config) as sess:
      sess.run(init_op)
      summary_writer = tf.summary.FileWriter(self.checkpoint_dir, sess.graph)
      predictor = Prediction(sess=sess)

      global_step_np = 0
      check_stop_step = int(self.pipe.cowatch_num / self.batch_size * self.check_stop_epoch)
      step_per_epoch = int(self.pipe.cowatch_num / self.batch_size)
      eval_step = int(self.pipe.cowatch_num / self.batch_size / self.eval_per_epoch)
      show_step = int(eval_step / 10)
      logging.info("check_stop_step: " + str(check_stop_step))
      logging.info("step_per_epoch: " + str(step_per_epoch))
      logging.info("eval_step: " + str(eval_step))
      logging.info("show_step: " + str(show_step))

      while True:
        try:
          fetch_start_time = time.time()
          input_triplets_np = self.pipe.get_batch(sess)
          if input_triplets_np is None:
            if self.eval_dist < self.best_eval_dist:
              logging.info("Didn't check stop in Eval " + str(self.total_eval_num) + " | best_eval_dist: " +
                  str(self.best_eval_dist) + " > eval_dist: " + str(self.eval_dist) + ". Save ckpt in the end.")
              saver.save(sess, self.checkpoint_dir + '/model.ckpt', global_step_np)
            break
          if self.total_eval_num - self.last_improve_num > self.require_improve_num and global_step_np > check_stop_step:
            logging.info("total_eval_num %s. last_improve_num %s. early stop" % (self.total_eval_num, self.last_improve_num))
            break
          if not input_triplets_np.shape[1:] == (3, FLAGS.feature_size):
            continue
          input_batch_np = np.reshape(input_triplets_np, (-1, input_triplets_np.shape[-1]))
          fetch_time = time.time() - fetch_start_time

          batch_start_time = time.time()
          _, global_step_np, loss_np = sess.run([train_op, global_step, loss],
                feed_dict={input_batch: input_batch_np})
          trian_time = time.time() - batch_start_time
          if global_step_np % show_step == 0:
            logging.info("Epoch " + str(int(global_step_np / step_per_epoch) + 1) + " Step " + str(global_step_np)
                + " | Loss: " + ("%.8f" % loss_np) + " | Time: fetch: " + ("%.4f" % fetch_time) + "sec"
                " train: " + ("%.4f" % trian_time) + "sec")
          if global_step_np % eval_step == 0:
            self._eval(predictor, saver, sess, global_step_np, summary_writer, check_stop_step)
            summary_str = sess.run(summary_op, feed_dict={input_batch: input_batch_np})
            summary_writer.add_summary(summary_str, global_step_np)
        except Exception as e:
          logging.error("Train.run " + str(e))
      summary_writer.close()
      logging.info("Exited training loop.")


def load_features():
  digits = load_digits()
  pixels = (digits.images / 16.0).astype(np.float32)
  doc = np.concatenate([pixels.sum(axis=2), pixels.sum(axis=1)], axis=1) / 8.0
  features = np.concatenate([pixels.reshape(-1, 64), doc], axis=1).astype(np.float32)
  return features, digits.target


def make_cowatches(indexes, labels, num, rng):
  cowatches = []
  for _ in range(num):
    c = rng.randint(10)
    a, p = rng.choice(indexes[labels[indexes] == c], 2, replace=False)
    cowatches.append([a, p])
  return np.asarray(cowatches, np.int64)


def main(args):
  np.random.seed(0)
  tf.set_random_seed(0)
  rng = np.random.RandomState(0)
  features, labels = load_features()
  order = rng.permutation(len(labels))
  train_idx, eval_idx, test_idx = order[:1100], order[1100:1300], order[1300:]
  train_cowatches = make_cowatches(train_idx, labels, 2050, rng)
  eval_cowatches = make_cowatches(eval_idx, labels, 300, rng)
  test_cowatches = make_cowatches(test_idx, labels, 300, rng)

  checkpoint_dir = os.path.join(tempfile.mkdtemp(), "cdml_" + get_local_time())
  pipe = TripletPipe(train_cowatches, features)
  model = find_class_by_name(FLAGS.model, [sys.modules[__name__]])()
  loss_fn = find_class_by_name("HingeLoss", [sys.modules[__name__]])()
  optimizer_class = find_class_by_name("AdamOptimizer", [tf.train])
  config = tf.ConfigProto(allow_soft_placement=True, log_device_placement=False)
  config.gpu_options.allow_growth = True

  trainer = Trainer(pipe=pipe,
                    num_epochs=12,
                    batch_size=100,
                    model=model,
                    loss_fn=loss_fn,
                    learning_rate=0.01,
                    margin=0.8,
                    checkpoint_dir=checkpoint_dir,
                    optimizer_class=optimizer_class,
                    config=config,
                    eval_cowatches=eval_cowatches,
                    test_cowatches=test_cowatches,
                    check_stop_epoch=1,
                    best_eval_dist=1.0,
                    eval_per_epoch=2,
                    require_improve_num=6)
  trainer.run()

  # predict.py: the kept checkpoint, restored from its meta graph in a fresh graph
  with tf.Graph().as_default():
    ckpt = tf.train.latest_checkpoint(checkpoint_dir)
    predictor = Prediction(ckpt=ckpt, config=config)
    embeddings = predictor.run_features(features[test_idx], batch_size=200)
  test_dist = trainer.tester.mean_dist(predictor.run_features(FEATURES, batch_size=500), test_cowatches)
  logging.info("test mean cowatch dist: " + str(test_dist))

  y_test = labels[test_idx]
  pair_rng = np.random.RandomState(1)
  i = pair_rng.randint(len(y_test), size=600)
  j = pair_rng.randint(len(y_test), size=600)
  d = np.sqrt(np.sum(np.square(embeddings[i] - embeddings[j]), axis=1))
  same = (y_test[i] == y_test[j]).astype(np.int32)
  np.savez(os.environ.get("TFM_EVAL_OUT", "eval.npz"), d=d, same=same)


if __name__ == "__main__":
  tf.app.run()
