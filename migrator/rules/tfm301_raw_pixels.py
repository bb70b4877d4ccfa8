"""TFM301: raw 0-255 pixels fed to an image model with no rescaling -> Rescaling(1/255) in the model."""
from __future__ import annotations

import re

import libcst as cst

from ..analysis.flow import Flow
from ..diagnostics import Kind, Severity
from ..emit import code, expr, literal
from ._siamese import qnames, walk
from .base import Case, Rule

INPUTS = ("tensorflow.placeholder", "tflearn.layers.core.input_data", "keras.Input", "keras.layers.Input")
_NOT_GRAPH = {"run", "fit", "predict", "evaluate", "train_on_batch", "test_on_batch", "predict_on_batch",
              "Model", "Functional", "Sequential", "placeholder", "Input", "input_data", "len", "print",
              "shape", "get_shape"}
_UINT8 = re.compile(r"\buint8\b")
_LOADERS = re.compile(r"\b(imread|load_img|img_to_array|Image\.open)\s*\(")
_KERAS_DATASETS = re.compile(r"keras\s*\.\s*datasets|from\s+keras\s+import\s+datasets")
# tflearn's dataset loaders and image dataset builders return images scaled to [0, 1]
_TFLEARN_DATA = re.compile(r"tflearn\s*\.\s*datasets|from\s+tflearn\s+import\s+datasets|"
                           r"image_preloader|build_image_dataset_from_dir|build_hdf5_image_dataset")
_RANDINT_256 = re.compile(r"randint\(\s*0\s*,\s*(255|256)\b")
_SCALED = re.compile(r"(/|\*|/=|\*=)\s*\(?\s*(255|256|255\.0?|256\.0?|1\s*/\s*255\.?0?)\b|"
                     r"normaliz|standardi[sz]|[Rr]escal|preprocess|per_image|minmax|MinMax|"
                     r"\.max\(\)|np\.max\(|/\s*[A-Za-z_.]*max\b|BatchNormalization|batch_normalization")
_CAST = re.compile(r"\.astype\(|np\.float32\(|tf\.cast\(|\bfloat32\b")


def _rank(call: cst.Call, q: set[str]) -> int | None:
    """Rank of the input INCLUDING the batch dimension (None: unknown)."""
    shape = None
    for a in call.args:
        if a.keyword is not None and a.keyword.value == "shape":
            shape = a.value
    positional = [a.value for a in call.args if a.keyword is None]
    if shape is None:
        if "tensorflow.placeholder" in q:
            shape = positional[1] if len(positional) > 1 else None
        elif positional:
            shape = positional[0]
    if not isinstance(shape, (cst.List, cst.Tuple)):
        return None
    n = len(shape.elements)
    return n + 1 if q & {"keras.Input", "keras.layers.Input"} else n


def code_text(source: str) -> str:
    """The source without comments and docstrings (bare string statements)."""
    import io
    import tokenize

    out = []
    line_start = True
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT or (tok.type == tokenize.STRING and line_start):
                continue
            if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
                line_start = True
                out.append("\n")
                continue
            line_start = False
            out.append(tok.string + " ")
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    return "".join(out)


def evidence(source: str) -> str | None:
    """Why the file's images are probably 0-255 and unscaled (None: no case)."""
    source = code_text(source)
    if _SCALED.search(source):
        return None
    if _UINT8.search(source):
        return "uint8 images"
    if _RANDINT_256.search(source):
        return "randint(0, 256) pixels"
    m = _LOADERS.search(source)
    if m:
        return f"images loaded with {m.group(1)}()"
    if _KERAS_DATASETS.search(source) and ".load_data(" in source.replace(" ", ""):
        return "keras.datasets images (uint8)"
    if _TFLEARN_DATA.search(source):
        return None  # tflearn's loaders scale to [0, 1] already
    if _CAST.search(source):
        return "image arrays cast to float without scaling"
    return None


class RawPixels(Rule):
    ID = "TFM301"
    NAME = "raw-pixel-inputs"
    MESSAGE = "raw 0-255 pixel values reach the model without rescaling"
    RATIONALE = ("Initializers (Glorot, tflearn's uniform scaling) assume unit-scale inputs; 0-255 "
                 "pixels make the first activations ~100x too large, a sigmoid/BCE head saturates "
                 "and predicts ~0.5 for every pair (seed 002: 'PREDICTIONS [0.5003 0.5002 ...]'). "
                 "Detected for image inputs (rank-4 placeholders/input_data, 3-D keras.Input) in a "
                 "file that never scales its data (no '/ 255', Rescaling, Normalization, "
                 "normalize/standardize/preprocess, BatchNormalization) and shows 0-255 data: "
                 "uint8, randint(0, 256), image loaders (imread, load_img, load_data) or image "
                 "arrays cast to float. FIX: keras.layers.Rescaling(1 / 255.0) applied where the "
                 "input enters the graph (inside the model, so training and inference data are "
                 "scaled alike). With --no-fixes the inputs are kept and reported.")
    KIND = Kind.FIX
    SEVERITY = Severity.WARNING
    ORDER = 50  # before the calls that consume the input are translated

    def _inputs(self) -> dict[int, str]:
        """id(original input def statement) -> name, for the image inputs of a suspicious file."""
        cache = getattr(self, "_cache", None)
        if cache is not None:
            return cache
        self._cache: dict[int, str] = {}
        self._why = evidence(self.ctx.module.code)
        if self._why is None:
            return self._cache
        flow: Flow = self.ctx.analysis(Flow)
        for scope in flow.scopes.values():
            for d in scope.defs:
                if isinstance(d.value, cst.Call):
                    q = qnames(self.ctx, d.value)
                    if q & set(INPUTS) and _rank(d.value, q) == 4:
                        self._cache[id(d.stmt)] = d.name
        self._reported: set[int] = set()
        return self._cache

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        if not isinstance(original.value, cst.Name) or original.keyword is not None or original.star:
            return updated
        inputs = self._inputs()
        if not inputs:
            return updated
        call = self.ctx.parent(original)
        if not isinstance(call, cst.Call):
            return updated
        f = call.func
        fname = f.attr.value if isinstance(f, cst.Attribute) else f.value if isinstance(f, cst.Name) else ""
        if fname in _NOT_GRAPH or qnames(self.ctx, call) & set(INPUTS):
            return updated
        d = self.ctx.analysis(Flow).def_of(original.value.value, original)
        if d is None or id(d.stmt) not in inputs or not isinstance(d.value, cst.Call):
            return updated
        first = id(d.stmt) not in self._reported
        self._reported.add(id(d.stmt))
        if not self.fixes_enabled:
            if first:
                self.report(d.value, f"{d.name}: {self._why}, never scaled to [0, 1]; add "
                                     f"keras.layers.Rescaling(1 / 255.0) on this input")
            return updated
        if first:
            self.report(d.value, f"{d.name}: {self._why}, never scaled: keras.layers.Rescaling(1 / 255.0) "
                                 f"applied where it enters the model", fixed=True)
        self.ctx.add_import("keras")
        return updated.with_changes(value=expr("keras.layers.Rescaling(1 / 255.0)({x})", x=updated.value))

    VALID = [
        "import keras\nx = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n"
        "model = keras.Model(x, y)\nmodel.fit(images.astype('uint8') / 255.0, labels)\n",
    ]
    INVALID = [
        # tflearn's mnist loader returns [0, 1] floats: no rescaling
        Case("import keras\nimport numpy as np\nfrom tflearn.datasets import mnist\n"
             "X, Y, testX, testY = mnist.load_data(one_hot=True)\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n"
             "model = keras.Model(x, y)\nmodel.fit(X.astype(np.float32), Y)\n", None, (), todo=True),
        Case("import keras\n(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n",
             "import keras\n(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(keras.layers.Rescaling(1 / 255.0)(x))\n",
             ("TFM301",)),
        Case("import keras\nimport numpy as np\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n"
             "model = keras.Model(x, y)\nmodel.fit(images.astype(np.uint8), labels)\n",
             "import keras\nimport numpy as np\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(keras.layers.Rescaling(1 / 255.0)(x))\n"
             "model = keras.Model(x, y)\nmodel.fit(images.astype(np.uint8), labels)\n",
             ("TFM301",)),
        Case("import keras\nimport numpy as np\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n"
             "model = keras.Model(x, y)\nmodel.fit(images.astype(np.uint8), labels)\n",
             None, ("TFM301",), fixes=False),
        Case("import tensorflow as tf\n"
             "def net(image_a, image_b):\n"
             "    a = embed(image_a)\n"
             "    return a\n"
             "image_a = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
             "feats_a = embed(image_a)\n"
             "sess.run(loss, feed_dict={image_a: data['x'].astype(np.float32)})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "def net(image_a, image_b):\n"
             "    a = embed(image_a)\n"
             "    return a\n"
             "image_a = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
             "feats_a = embed(keras.layers.Rescaling(1 / 255.0)(image_a))\n"
             "sess.run(loss, feed_dict={image_a: data['x'].astype(np.float32)})\n",
             ("TFM301",), todo=True),
    ]
