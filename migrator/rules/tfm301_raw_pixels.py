"""TFM301: raw 0-255 pixels fed to an image model with no rescaling -> Rescaling(1/255) in the model."""
from __future__ import annotations

import re

import libcst as cst

from ..analysis.flow import Flow
from ..diagnostics import Applicability, Kind, Severity
from ..emit import code, expr
from ..analysis.siamese import qnames, walk
from .base import Case, Rule
from ..translate.tflearn import code_text

INPUTS = ("tensorflow.placeholder", "tflearn.layers.core.input_data", "keras.Input", "keras.layers.Input")
_NOT_GRAPH = {"run", "fit", "predict", "evaluate", "train_on_batch", "test_on_batch", "predict_on_batch",
              "Model", "Functional", "Sequential", "placeholder", "Input", "input_data", "len", "print",
              "shape", "get_shape"}
# Evidence that the data IS scaled (or is not 0-255 pixels at all): any of these and nothing fires.
_SCALED = re.compile(
    r"(?<![/*])/(?![/])=?\s*\(?\s*\d+(\.\d*)?|"          # divided by a number: / 255, / 16.0, /= 255.
    r"(?<![*])\*(?![*])=?\s*\(?\s*(1(\.0*)?\s*/|0?\.\d)|"  # multiplied by a fraction: * (1 / 255), * 0.0039
    r"/=?\s*\(?\s*[\w.\[\]'\"]*\.max\s*\(|/=?\s*\(?\s*np\.max\s*\(|"  # / x.max(), / np.max(x)
    r"normaliz(?!e\s*=\s*False)|standardi[sz]|[Rr]escal|preprocess|per_image|[Mm]in[Mm]ax|[Ss]caler|"
    r"BatchNormalization|batch_normalization|"
    r"\b(rand|randn|random|random_sample|uniform|normal|standard_normal)\s*\(|"  # float random data
    r"load_digits|load_iris|make_classification|make_blobs|make_moons|make_circles|"
    r"tflearn\.datasets|from tflearn import datasets")   # tflearn's loaders return [0, 1] floats
# Scaling inside the model (a Rescaling / normalisation layer, convert_image_dtype's [0, 1]):
# wins over any array evidence.
_MODEL_SCALED = re.compile(r"[Rr]escal|Normalization|batch_normalization|\bbatch_norm\b|per_image|convert_image_dtype")
# A scaling operation anywhere in the code (the first alternatives of _SCALED, without the
# dataset names): what a uint8 image placeholder's evidence gives way to.
_SCALING_OPS = re.compile(
    r"(?<![/*])/(?![/])=?\s*\(?\s*\d+(\.\d*)?|"
    r"(?<![*])\*(?![*])=?\s*\(?\s*(1(\.0*)?\s*/|0?\.\d)|"
    r"/=?\s*\(?\s*[\w.\[\]'\"]*\.max\s*\(|/=?\s*\(?\s*np\.max\s*\(|"
    r"normaliz(?!e\s*=\s*False)|standardi[sz]|preprocess|[Mm]in[Mm]ax|[Ss]caler")
# Evidence that the data is 0-255 pixels.
_UINT8 = re.compile(r"\buint8\b")
_LOADERS = re.compile(r"\b(cv2\.imread|imageio(\.v[23])?\.imread|imageio(\.v[23])?\.imread|io\.imread|"
                      r"misc\.imread|ndimage\.imread|Image\.open|load_img|img_to_array|"
                      r"decode_jpeg|decode_png|decode_bmp|decode_image)\s*\(")
_BARE_IMREAD = re.compile(r"from (cv2|imageio(\.v[23])?|skimage\.io|scipy\.misc|scipy\.ndimage) import [^\n]*\bimread\b")
_KERAS_DATASETS = re.compile(r"keras\.datasets\.(mnist|fashion_mnist|cifar10|cifar100)\.load_data\s*\(|"
                             r"from (tensorflow\.)?keras\.datasets import [^\n]*\b(mnist|fashion_mnist|cifar10|cifar100)\b")
_TFLEARN_RAW = re.compile(r"\b(image_preloader|build_image_dataset_from_dir|build_hdf5_image_dataset)\s*\("
                          r"[^\n]*normalize\s*=\s*False")
_RANDINT_256 = re.compile(r"randint\s*\(\s*(0\s*,\s*)?(255|256)\b")


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


def evidence(source: str) -> tuple[str, str | None]:
    """What the code shows about the value range of its image data:
    ``("scaled", why)`` - it is scaled (or not 0-255 pixels): nothing to do;
    ``("raw", why)`` - it is 0-255 pixels (uint8, an image loader, a 0-255 dataset);
    ``("unknown", None)`` - neither (a diagnostic, never a fix)."""
    source = code_text(source)
    m = _SCALED.search(source)
    if m:
        return "scaled", m.group(0).strip()
    if _UINT8.search(source):
        return "raw", "uint8 images"
    m = _LOADERS.search(source)
    if m:
        return "raw", f"images loaded with {m.group(1)}() (0-255 pixels)"
    if _BARE_IMREAD.search(source) and re.search(r"\bimread\s*\(", source):
        return "raw", "images loaded with imread() (0-255 pixels)"
    m = _KERAS_DATASETS.search(source)
    if m and ".load_data (" in source:
        return "raw", "keras.datasets images (uint8, 0-255)"
    m = _TFLEARN_RAW.search(source)
    if m:
        return "raw", f"{m.group(1)}(normalize=False) images (0-255)"
    if _RANDINT_256.search(source):
        return "raw", "randint(0, 256) pixels"
    return "unknown", None


class RawPixels(Rule):
    ID = "TFM301"
    TRIGGERS = ("placeholder", "input_data", "Input")  # the image inputs it checks
    NAME = "raw-pixel-inputs"
    MESSAGE = "raw 0-255 pixel values reach the model without rescaling"
    RATIONALE = ("Initializers (Glorot, tflearn's uniform scaling) assume unit-scale inputs; 0-255 "
                 "pixels make the first activations ~100x too large, a sigmoid/BCE head saturates "
                 "and predicts ~0.5 for every pair (seed 002: 'PREDICTIONS [0.5003 0.5002 ...]'). "
                 "Decided from EVIDENCE in the code, for image inputs (rank-4 placeholders/"
                 "input_data, 3-D keras.Input). Scaled data (a division by a number such as "
                 "'/ 255.' or '/ 16.0', a fraction factor, '/ x.max()', Rescaling/Normalization/"
                 "BatchNormalization, normalize/standardize/preprocess, a Scaler, float random data "
                 "such as rng.rand, sklearn's digits, tflearn's dataset loaders): nothing fires. "
                 "0-255 data (a uint8 dtype, PIL/imageio/cv2/skimage.io/scipy image loading, "
                 "keras load_img/img_to_array, tf.image.decode_*, keras.datasets mnist/"
                 "fashion_mnist/cifar10/cifar100 load_data, tflearn image loaders with "
                 "normalize=False, randint(0, 256)): the fix keras.layers.Rescaling(1 / 255.0) "
                 "applied where the input enters the graph (inside the model, so training and "
                 "inference data are scaled alike). Neither: an info diagnostic and no change, "
                 "even with --unsafe-fixes. The evidence is read first from the arrays fed to the "
                 "input (TF1 feed_dicts: the values and every definition they depend on), then, "
                 "when they show nothing either way, from the whole file.")
    KIND = Kind.FIX
    APPLICABILITY = Applicability.UNSAFE
    APPLICABILITY_REASON = ("changes the data the model sees (a Rescaling layer in front of "
                            "its input): wrong whenever the arrays fed are already scaled, so "
                            "it is applied only on request and only with evidence of 0-255 "
                            "pixels.")
    SEVERITY = Severity.WARNING
    ORDER = 50  # before the calls that consume the input are translated

    def _inputs(self) -> dict[int, str]:
        """id(original input def statement) -> name, for the image inputs whose data is not
        shown to be scaled; ``self._evidence[id]`` = (state, why) for each."""
        cache = getattr(self, "_cache", None)
        if cache is not None:
            return cache
        self._cache: dict[int, str] = {}
        self._evidence: dict[int, tuple[str, str | None]] = {}
        self._reported: set[int] = set()
        file_level = evidence(self.ctx.module_code)
        if _MODEL_SCALED.search(code_text(self.ctx.module_code)):
            return self._cache  # the model scales its inputs itself (a previous run's fix too)
        flow: Flow = self.ctx.analysis(Flow)
        feeds = self._fed_values()
        for scope in flow.scopes.values():
            for d in scope.defs:
                if isinstance(d.value, cst.Call):
                    q = qnames(self.ctx, d.value)
                    if q & {"tensorflow.placeholder"} and _rank(d.value, q) in (3, 4) and self._uint8(d.value) \
                            and not _SCALING_OPS.search(code_text(self.ctx.module_code)):
                        # the model's own input is uint8 ([N, H, W] or [N, H, W, C]) and nothing in the
                        # code scales (a tf.cast to float keeps 0-255; convert_image_dtype would scale)
                        self._cache[id(d.stmt)] = d.name
                        self._evidence[id(d.stmt)] = ("raw", "a uint8 image placeholder")
                        continue
                    if q & set(INPUTS) and _rank(d.value, q) == 4:
                        # the arrays fed to this input (TF1 feed_dicts) decide first; the file
                        # as a whole only when they show nothing either way
                        state = self._array_evidence(feeds.get(d.name, []), flow)
                        if state[0] == "unknown":
                            state = file_level
                        if state[0] != "scaled":
                            self._cache[id(d.stmt)] = d.name
                            self._evidence[id(d.stmt)] = state
        return self._cache

    def _uint8(self, call: cst.Call) -> bool:
        """``tf.placeholder(tf.uint8, ...)`` / ``dtype=tf.uint8`` / ``"uint8"``."""
        dt = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "dtype"),
                  call.args[0].value if call.args and call.args[0].keyword is None else None)
        if dt is None:
            return False
        if isinstance(dt, cst.SimpleString):
            return dt.evaluated_value == "uint8"
        return any(n.endswith(".uint8") for n in self.ctx.qualified(dt)) or code(dt).strip().endswith(".uint8")

    def _fed_values(self) -> dict[str, list[cst.BaseExpression]]:
        """name -> the values fed to it in ``feed_dict`` literals."""
        out: dict[str, list[cst.BaseExpression]] = {}
        for n in walk(self.ctx.module):
            if isinstance(n, cst.Dict):
                for e in n.elements:
                    if isinstance(e, cst.DictElement) and isinstance(e.key, cst.Name):
                        out.setdefault(e.key.value, []).append(e.value)
        return out

    def _array_evidence(self, values: list[cst.BaseExpression], flow: Flow) -> tuple[str, str | None]:
        if not values:
            return "unknown", None
        texts = []
        for v in values:
            texts.append(code(v))
            try:
                texts += [code(d.value) for d in flow.reaching(v) if d.value is not None]
            except Exception:  # noqa: BLE001 - no flow information: the expression alone
                pass
        return evidence("\n".join(texts))

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
        state, why = self._evidence[id(d.stmt)]
        if state != "raw":
            if first:
                self.report(d.value, f"{d.name}: image input whose value range the code does not "
                                     f"show (no uint8 dtype, image loader or 0-255 dataset; no "
                                     f"scaling): if its pixels are 0-255, scale them to [0, 1]; "
                                     f"not changed without evidence", severity=Severity.INFO)
            return updated
        if not self.fixes_enabled:
            if first:
                self.report(d.value, f"{d.name}: {why}, never scaled to [0, 1]",
                            fix=f"keras.layers.Rescaling(1 / 255.0) applied to {d.name} where it "
                                f"enters the model")
            return updated
        if first:
            self.report(d.value, f"{d.name}: {why}, never scaled: keras.layers.Rescaling(1 / 255.0) "
                                 f"applied where it enters the model", fixed=True)
        self.ctx.add_import("keras")
        return updated.with_changes(value=expr("keras.layers.Rescaling(1 / 255.0)({x})", x=updated.value))

    VALID = [
        # already scaled inputs (each would fire without the scaling evidence: image input + a cast)
        "import keras\nx = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n"
        "model = keras.Model(x, y)\nmodel.fit(images.astype('uint8') / 255.0, labels)\n",
        "import keras\nimport numpy as np\nfrom sklearn.datasets import load_digits\n"
        "digits = load_digits()\nX = (digits.images / 16.0).astype(np.float32)[..., None]\n"
        "x = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(X, digits.target)\n",
        "import keras\nimport numpy as np\nrng = np.random.RandomState(0)\n"
        "X = rng.rand(100, 8, 8, 1).astype(np.float32)\nx = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(X, y)\n",
        "import keras\nimport numpy as np\nX = images.astype(np.uint8)\nx = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(X / 255., y)\n",
        "import keras\nimport numpy as np\nfrom sklearn.preprocessing import StandardScaler\n"
        "raw = images.astype(np.uint8).reshape(len(images), -1)\n"
        "X = StandardScaler().fit_transform(raw).reshape(-1, 8, 8, 1)\nx = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(X, y)\n",
        "import keras\n(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
        "x_train = x_train.astype('float32') * (1 / 255)\nx = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(x_train, y_train)\n",
        "import keras\nimport numpy as np\nfrom PIL import Image\n"
        "X = np.stack([np.asarray(Image.open(p)) for p in paths])\nX = X / X.max()\nx = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(X, y)\n",
    ]
    INVALID = [
        # a uint8 image placeholder cast to float (no convert_image_dtype, no division): its own
        # dtype is the evidence, sklearn's digits elsewhere in the file do not hide it
        Case("import tensorflow as tf\nfrom sklearn.datasets import load_digits\nframes = tf.placeholder(tf.uint8, [None, 8, 8], name='frames')\ncodes = encode(tf.cast(frames, tf.float32))\nsess.run(codes, feed_dict={frames: batch})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\nfrom sklearn.datasets import load_digits\nimport keras\n\nframes = tf.placeholder(tf.uint8, [None, 8, 8], name='frames')\ncodes = encode(tf.cast(keras.layers.Rescaling(1 / 255.0)(frames), tf.float32))\nsess.run(codes, feed_dict={frames: batch})\n", ("TFM301",), todo=True, unsafe_fixes=True),
        # ... convert_image_dtype scales uint8 to [0, 1]; a division by 255: nothing fires
        Case("import tensorflow as tf\nfrom sklearn.datasets import load_digits\nframes = tf.placeholder(tf.uint8, [None, 8, 8], name='frames')\ncodes = encode(tf.image.convert_image_dtype(frames, tf.float32))\nsess.run(codes, feed_dict={frames: batch})\n", None, (), todo=True, unsafe_fixes=True),
        Case("import tensorflow as tf\nfrom sklearn.datasets import load_digits\nframes = tf.placeholder(tf.uint8, [None, 8, 8], name='frames')\ncodes = encode(tf.cast(frames, tf.float32) / 255.0)\nsess.run(codes, feed_dict={frames: batch})\n", None, (), todo=True, unsafe_fixes=True),
        # tflearn's mnist loader returns [0, 1] floats: no rescaling
        Case("import keras\nimport numpy as np\nfrom tflearn.datasets import mnist\n"
             "X, Y, testX, testY = mnist.load_data(one_hot=True)\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n"
             "model = keras.Model(x, y)\nmodel.fit(X.astype(np.float32), Y)\n", None, (), todo=True,
             unsafe_fixes=True),
        Case("import keras\n(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n",
             "import keras\n(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(keras.layers.Rescaling(1 / 255.0)(x))\n",
             ("TFM301",), unsafe_fixes=True),
        # unsafe: by default the input is kept and the change reported (withheld)
        Case("import keras\n(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
             "x = keras.Input(shape=(28, 28, 1))\ny = keras.layers.Conv2D(8, 3)(x)\n", None, ("TFM301",)),
        Case("import keras\nimport numpy as np\n"
             "x = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(images.astype(np.uint8), labels)\n",
             "import keras\nimport numpy as np\n"
             "x = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(keras.layers.Rescaling(1 / 255.0)(x))\nmodel = keras.Model(x, y)\nmodel.fit(images.astype(np.uint8), labels)\n",
             ("TFM301",), unsafe_fixes=True),
        Case("import keras\nimport numpy as np\n"
             "x = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(images.astype(np.uint8), labels)\n",
             None, ("TFM301",), fixes=False),
        Case("import keras\nimport numpy as np\nfrom PIL import Image\n"
             "X = np.stack([np.asarray(Image.open(p)) for p in paths])\nx = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(X, y)\n",
             "import keras\nimport numpy as np\nfrom PIL import Image\n"
             "X = np.stack([np.asarray(Image.open(p)) for p in paths])\nx = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(keras.layers.Rescaling(1 / 255.0)(x))\nmodel = keras.Model(x, y)\nmodel.fit(X, y)\n",
             ("TFM301",), unsafe_fixes=True),
        # the array fed to the input is uint8: its own evidence decides, an unrelated division
        # elsewhere in the file does not hide it
        Case("import tensorflow as tf\n"
             "image = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
             "feats = embed(image)\n"
             "batches = len(pixels) / 64\n"
             "pixels = np.load('x.npy').astype(np.uint8)\n"
             "sess.run(step, feed_dict={image: pixels[:64]})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "image = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
             "feats = embed(keras.layers.Rescaling(1 / 255.0)(image))\n"
             "batches = len(pixels) / 64\n"
             "pixels = np.load('x.npy').astype(np.uint8)\n"
             "sess.run(step, feed_dict={image: pixels[:64]})\n",
             ("TFM301",), todo=True, unsafe_fixes=True),
        # no evidence either way (a float cast of arrays of unknown range): a diagnostic, no change
        Case("import keras\nimport numpy as np\nX = np.load('x.npy').astype(np.float32)\nx = keras.Input(shape=(8, 8, 1))\ny = keras.layers.Conv2D(8, 3)(x)\nmodel = keras.Model(x, y)\nmodel.fit(X, y)\n",
             None, ("TFM301",), unsafe_fixes=True),
        Case("import tensorflow as tf\n"
             "def net(image_a, image_b):\n"
             "    a = embed(image_a)\n"
             "    return a\n"
             "image_a = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
             "feats_a = embed(image_a)\n"
             "sess.run(loss, feed_dict={image_a: data['x'].astype(np.uint8)})\n",
             "import tensorflow as tf  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n"
             "import keras\n\n"
             "def net(image_a, image_b):\n"
             "    a = embed(image_a)\n"
             "    return a\n"
             "image_a = tf.placeholder(tf.float32, [None, 8, 8, 1])\n"
             "feats_a = embed(keras.layers.Rescaling(1 / 255.0)(image_a))\n"
             "sess.run(loss, feed_dict={image_a: data['x'].astype(np.uint8)})\n",
             ("TFM301",), todo=True, unsafe_fixes=True),
    ]
