"""TFM166: TF1 contrib models that are not neural networks (k-means, tensor_forest random
forests, boosted trees) -> a TODO that says why Keras 3 has no faithful equivalent."""
from __future__ import annotations

import libcst as cst

from .base import Case, CallRule

_KMEANS = ("tf.contrib.factorization.KMeans builds Lloyd's k-means in the graph (its own init ops: "
           "random / kmeans++ / a given tensor, squared-euclidean or cosine distance, full-batch or "
           "mini-batch updates); Keras 3 has no clustering model or trainer to map it onto - port it "
           "by hand (keras.ops assignment/update steps, or sklearn.cluster.KMeans: different "
           "initialisation, not the same run)")
_FOREST = ("contrib.tensor_forest grows its trees online in TF resources (random split candidates per "
           "node, split decisions after split_after_samples examples); trees are not trained by "
           "gradients, so Keras 3 has nothing to translate them to - sklearn.ensemble."
           "RandomForestClassifier is a different (batch CART) algorithm")
_GBDT = ("contrib.boosted_trees (layer-by-layer tree growth with Newton steps from per-example "
         "gradients and Hessians, wrapped in an Estimator) has no Keras 3 counterpart - TF Decision "
         "Forests / sklearn HistGradientBoosting are different implementations with other defaults")

WHY = {
    "tensorflow.contrib.factorization.KMeans": _KMEANS,
    "tensorflow.contrib.factorization.python.ops.clustering_ops.KMeans": _KMEANS,
    "tensorflow.contrib.tensor_forest.python.tensor_forest.RandomForestGraphs": _FOREST,
    "tensorflow.contrib.tensor_forest.python.tensor_forest.ForestHParams": _FOREST,
    "tensorflow.contrib.boosted_trees.estimator_batch.estimator.GradientBoostedDecisionTreeClassifier": _GBDT,
    "tensorflow.contrib.boosted_trees.estimator_batch.estimator.GradientBoostedDecisionTreeRegressor": _GBDT,
    "tensorflow.contrib.boosted_trees.proto.learner_pb2.LearnerConfig": _GBDT,
}


class ContribNoKeras(CallRule):
    ID = "TFM166"
    TRIGGERS = ("tensorflow",)
    NAME = "contrib-no-keras-equivalent"
    MESSAGE = "TF1 contrib k-means / random forest / boosted trees: no Keras 3 equivalent (TODO with the reason)"
    RATIONALE = ("Keras 3 models are trained by gradients through layers; TF1's contrib clustering "
                 "(factorization.KMeans), online random forests (tensor_forest) and boosted trees "
                 "(boosted_trees) are other algorithms with their own graph resources and update ops. "
                 "A guessed port would not compute the same function, so the statement keeps a TODO "
                 "naming what the contrib model did and what a hand port would change.")
    CALLS = tuple(WHY)

    def translate(self, qname: str, original: cst.Call, updated: cst.Call):
        self.todo(original, WHY[qname])
        return None

    VALID = ["from sklearn.cluster import KMeans\nkm = KMeans(n_clusters=3)\n"]
    INVALID = [
        Case("from tensorflow.contrib.factorization import KMeans\nkmeans = KMeans(inputs=X, num_clusters=25)\n",
             None, ("TFM166",), todo=True),
        Case("from tensorflow.contrib.tensor_forest.python import tensor_forest\n"
             "hparams = tensor_forest.ForestHParams(num_classes=10, num_features=784).fill()\n",
             None, ("TFM166",), todo=True),
    ]
