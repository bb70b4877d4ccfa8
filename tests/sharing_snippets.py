"""Small TF1 programs, one sharing idiom each: (id, source, TF1 verdict, trainable variables
TF1 creates, runs in the legacy runtime). Used by tests/test_sharing.py (the analysis'
verdict, fast) and its slow test (TF1's own count, legacy runtime)."""

HEAD = "import tensorflow as tf\n\nx1 = tf.placeholder(tf.float32, [None, 3])\nx2 = tf.placeholder(tf.float32, [None, 3])\n"

SNIPPETS = [
    # towers built by one call in a loop; named get_variable under AUTO_REUSE
    ("loop_auto_reuse", HEAD + (
        "def tower(x):\n"
        "    with tf.variable_scope('tower', reuse=tf.AUTO_REUSE):\n"
        "        w = tf.get_variable('w', [3, 4])\n"
        "        return tf.matmul(x, w)\n\n"
        "outs = []\n"
        "for x in (x1, x2):\n"
        "    outs.append(tower(x))\n"
        "d = outs[0] - outs[1]\n"), "shared", 1, True),
    # the same loop with unnamed tf.layers and no scope: dense, dense_1
    ("loop_unnamed_layers", HEAD + (
        "def tower(x):\n"
        "    return tf.layers.dense(x, 4)\n\n"
        "outs = [tower(x) for x in [x1, x2]]\n"), "unshared", 4, True),
    # a tower object built once and applied twice (tf.layers.Dense objects)
    ("object_once", HEAD + (
        "class Tower:\n"
        "    def __init__(self):\n"
        "        self.fc = tf.layers.Dense(4)\n"
        "    def __call__(self, x):\n"
        "        return self.fc(x)\n\n"
        "t = Tower()\n"
        "a = t(x1)\n"
        "b = t(x2)\n"
        "d = a - b\n"), "shared", 2, True),
    # two tower objects
    ("object_twice", HEAD + (
        "class Tower:\n"
        "    def __init__(self):\n"
        "        self.fc = tf.layers.Dense(4)\n"
        "    def __call__(self, x):\n"
        "        return self.fc(x)\n\n"
        "ta = Tower()\n"
        "tb = Tower()\n"
        "a = ta(x1)\n"
        "b = tb(x2)\n"
        "d = a - b\n"), "unshared", 4, True),
    # a function with a reuse= argument passed to its variable_scope
    ("function_reuse_arg", HEAD + (
        "def net(x, reuse=False):\n"
        "    with tf.variable_scope('net', reuse=reuse):\n"
        "        w = tf.get_variable('w', [3, 4])\n"
        "        b = tf.get_variable('b', [4])\n"
        "        return tf.matmul(x, w) + b\n\n"
        "a = net(x1, reuse=False)\n"
        "b = net(x2, reuse=True)\n"), "shared", 2, True),
    # get_variable twice without reuse: TF1 raises "already exists"
    ("get_variable_no_reuse", HEAD + (
        "def net(x):\n"
        "    with tf.variable_scope('net'):\n"
        "        w = tf.get_variable('w', [3, 4])\n"
        "        return tf.matmul(x, w)\n\n"
        "a = net(x1)\n"
        "b = net(x2)\n"), "raises", 1, True),
    # reuse_variables() over auto-named tf.layers: dense_1 does not exist
    ("reuse_variables_auto_names", HEAD + (
        "def tower(x):\n"
        "    return tf.layers.dense(x, 4)\n\n"
        "with tf.variable_scope('siamese') as scope:\n"
        "    a = tower(x1)\n"
        "    scope.reuse_variables()\n"
        "    b = tower(x2)\n"), "raises", 2, True),
    # AUTO_REUSE around both calls in ONE scope: the auto-names differ, nothing is reused
    ("auto_reuse_one_scope_unnamed", HEAD + (
        "def tower(x):\n"
        "    return tf.layers.dense(x, 4)\n\n"
        "with tf.variable_scope('siamese', reuse=tf.AUTO_REUSE):\n"
        "    a = tower(x1)\n"
        "    b = tower(x2)\n"), "unshared", 4, True),
    # ... but a builder that enters its own named scope gets the same auto-names at each call
    ("auto_reuse_own_scope_unnamed", HEAD + (
        "def tower(x):\n"
        "    with tf.variable_scope('tower', reuse=tf.AUTO_REUSE):\n"
        "        return tf.layers.dense(x, 4)\n\n"
        "a = tower(x1)\n"
        "b = tower(x2)\n"), "shared", 2, True),
    # tf.Variable inside a reusing scope: never shared
    ("variable_under_reuse", HEAD + (
        "def tower(x):\n"
        "    w = tf.Variable(tf.zeros([3, 4]))\n"
        "    return tf.matmul(x, w)\n\n"
        "with tf.variable_scope('siamese') as scope:\n"
        "    a = tower(x1)\n"
        "    scope.reuse_variables()\n"
        "    b = tower(x2)\n"), "unshared", 2, True),
    # tf.get_variable_scope().reuse_variables() inside the builder, named layers
    ("get_variable_scope_reuse", HEAD + (
        "def tower(x, reuse):\n"
        "    with tf.variable_scope('t'):\n"
        "        if reuse:\n"
        "            tf.get_variable_scope().reuse_variables()\n"
        "        return tf.layers.dense(x, 4, name='fc')\n\n"
        "a = tower(x1, False)\n"
        "b = tower(x2, True)\n"), "shared", 2, True),
    # tflearn layers with scope= and reuse=
    ("tflearn_scope_reuse", (
        "import tflearn\n\n"
        "in1 = tflearn.input_data(shape=[None, 3])\nin2 = tflearn.input_data(shape=[None, 3])\n\n"
        "def tower(x, reuse=False):\n"
        "    return tflearn.fully_connected(x, 4, scope='fc', reuse=reuse)\n\n"
        "a = tower(in1)\n"
        "b = tower(in2, reuse=True)\n"), "shared", 2, True),
    # tflearn layers with reuse=True but no scope=: TF1 refuses an unnamed reusing scope
    ("tflearn_reuse_without_scope", (
        "import tflearn\n\n"
        "in1 = tflearn.input_data(shape=[None, 3])\nin2 = tflearn.input_data(shape=[None, 3])\n\n"
        "def tower(x, reuse=False):\n"
        "    return tflearn.fully_connected(x, 4, reuse=reuse)\n\n"
        "a = tower(in1)\n"
        "b = tower(in2, reuse=True)\n"), "raises", 2, True),
    # fresh contrib layers (auto-named): not shared (tf.contrib is gone in the legacy runtime)
    ("contrib_fresh", HEAD + (
        "def tower(x):\n"
        "    return tf.contrib.layers.fully_connected(x, 4)\n\n"
        "a = tower(x1)\n"
        "b = tower(x2)\n"), "unshared", 4, False),
    # ResNet stages: `for i in range(1, blocks)` runs no block when blocks == 1 (kym343): the two
    # stages' blocks must not be taken for one unknown loop body creating the same names twice
    ("range_known_empty", HEAD + (
        "def block(x, name):\n"
        "    with tf.variable_scope(name):\n"
        "        w = tf.get_variable('w', [3, 3])\n"
        "        return tf.matmul(x, w)\n\n"
        "def stage(x, blocks, name):\n"
        "    x = block(x, name + '_1')\n"
        "    for i in range(1, blocks):\n"
        "        x = block(x, name + '_' + str(i + 1))\n"
        "    return x\n\n"
        "def tower(x, reuse=False):\n"
        "    with tf.variable_scope('net', reuse=reuse):\n"
        "        h = stage(x, 1, 's1')\n"
        "        h = stage(h, 1, 's2')\n"
        "        return h\n\n"
        "a = tower(x1)\n"
        "b = tower(x2, reuse=True)\n"), "shared", 2, True),
]
