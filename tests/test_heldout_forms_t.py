"""Held-out forms of issue 10 (session 26). (1) Weights made once at module level with
``tf.get_variable`` and read by a tower function applied to both inputs: one variable per
``get_variable`` call outside any function, whoever reads it; TF1 shares them, so faithful mode
builds ONE encoder. (2) TF1 code kept alive on TF2 (``import tensorflow.compat.v1 as tf`` +
``tf.disable_v2_behavior()``) with a module-level InteractiveSession, an optimizer bound to a name
and a summary helper given ``sess.graph``. Regression tier: no TensorFlow."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator import TODO_MARKER
from migrator.engine import migrate_source
from migrator.options import Options

pytestmark = pytest.mark.programs  # the regression tier: see tests/conftest.py

FIX = Path(__file__).parent / "fixtures" / "heldout_t"
SRC = (FIX / "global_get_variable_towers.py").read_text()


def _run(src: str, fixes: bool) -> str:
    return migrate_source(src, "t.py", Options(fixes=fixes)).code


@pytest.mark.parametrize("fixes", [False, True])
def test_global_get_variables_make_one_encoder_in_both_modes(fixes):
    out = _run(SRC, fixes)
    cst.parse_module(out)
    assert TODO_MARKER not in out and "import tensorflow" not in out
    # the tower is built once (one set of layers) and applied to both inputs
    assert "encoder = keras.Model(encoder_input, tower(encoder_input)" in out
    assert "e_left = encoder(left)" in out and "e_right = encoder(right)" in out
    assert out.count("keras.layers.Conv2D(") == 1 and out.count("keras.layers.Dense(") == 1
    # the get_variable initializers reach the layers
    assert "kernel_initializer=init_w" in out and "keras.initializers.Constant(0.1)" in out
    assert _run(out, fixes) in (None, out)


def test_a_weight_dict_of_get_variables_is_shared_too():
    src = SRC.replace(
        "W_fc = tf.get_variable('W_fc', [4 * 4 * 12, 24], initializer=init_w)\n"
        "b_fc = tf.get_variable('b_fc', [24], initializer=tf.constant_initializer(0.1))\n",
        "fc = {'w': tf.get_variable('W_fc', [4 * 4 * 12, 24], initializer=init_w),\n"
        "      'b': tf.get_variable('b_fc', [24], initializer=tf.constant_initializer(0.1))}\n",
    ).replace("return tf.matmul(h, W_fc) + b_fc", "return tf.matmul(h, fc['w']) + fc['b']")
    assert "fc['w']" in src
    out = _run(src, False)
    assert TODO_MARKER not in out and "e_right = encoder(right)" in out
    assert out.count("keras.layers.Dense(") == 1


def test_global_get_variables_under_a_module_level_scope_are_shared_too():
    # ``with tf.variable_scope('weights'):`` at module level runs once: still one variable each
    src = SRC.replace("W_conv = tf.get_variable(", "with tf.variable_scope('weights'):\n    W_conv = tf.get_variable(")
    for name in ("b_conv", "W_fc", "b_fc"):
        src = src.replace(f"\n{name} =", f"\n    {name} =")
    assert "    b_fc = tf.get_variable(" in src
    out = _run(src, False)
    assert TODO_MARKER not in out and "e_right = encoder(right)" in out and "variable_scope" not in out


def test_a_tower_that_also_makes_its_own_variable_is_not_one_encoder():
    # tf.Variable inside the tower: a new weight per call (never shared) beside the shared
    # globals - neither one encoder nor a layer per call is TF1's model: kept, reported
    src = SRC.replace("    return tf.matmul(h, W_fc) + b_fc",
                      "    W_out = tf.Variable(tf.truncated_normal([24, 8], stddev=0.1))\n"
                      "    return tf.matmul(tf.matmul(h, W_fc) + b_fc, W_out)")
    out = _run(src, False)
    assert "encoder(" not in out
    assert "W_fc = tf.get_variable(" in out and TODO_MARKER in out and "TFM201" in out


COMPAT = (FIX / "compat_v1_class_program.py").read_text()


@pytest.mark.parametrize("fixes", [False, True])
def test_compat_v1_program_translates_and_its_mode_switch_goes(fixes):
    out = _run(COMPAT, fixes)
    body = out.split('"""', 2)[2]
    assert TODO_MARKER not in out and "tensorflow" not in body
    assert "disable_v2_behavior" not in body and "InteractiveSession" not in body and "summary" not in body
    # the optimizer bound to a name, its step counter dropped (Keras counts iterations itself)
    assert "optimizer = keras.optimizers.Adam(learning_rate=lr, epsilon=1e-8)" in out
    assert "self.train_op.compile(optimizer=optimizer)" in out and "self.step" not in out
    assert "self.ea = encoder(self.a)" in out and "self.eb = encoder(self.b)" in out
    assert _run(out, fixes) in (None, out)


@pytest.mark.parametrize("switch", ["tf.disable_v2_behavior()", "tf.compat.v1.disable_eager_execution()"])
def test_the_mode_switch_stays_for_tf1_lines_left_behind(switch):
    # the placeholder is printed: the program stays TF1 (TODO) and still needs graph mode
    src = f"import numpy as np\nimport tensorflow.compat.v1 as tf\n{switch}\nx = tf.placeholder(tf.float32, [None, 4])\nprint(x)\n"
    if "compat.v1.disable" in switch:
        src = src.replace("import tensorflow.compat.v1 as tf", "import tensorflow as tf")
    r = migrate_source(src, "s.py", Options())
    lines = r.code.splitlines()
    i = lines.index(switch)  # where it was, not moved
    imp = next(k for k, ln in enumerate(lines) if ln.startswith("import tensorflow"))
    ph = next(k for k, ln in enumerate(lines) if ln.startswith("x = tf.placeholder"))
    assert lines[i - 1].startswith(f"# {TODO_MARKER}: TFM013 kept: the TF1 lines left below") and imp < i < ph
    assert [d.rule for d in r.diagnostics if d.todo and d.line == 3] == ["TFM013"]
    assert not any(d.rule == "TFM148" for d in r.diagnostics)
    assert migrate_source(r.code, "s.py", Options()).code in (None, r.code)


def test_kept_log_levels_stay_in_place_with_their_comments():
    # a TF1 program kept as it is (TODO) switching TF's log level twice: both calls stay where
    # they were, their comments too (written back after the imports, the order would change)
    src = ("import numpy as np\nimport tensorflow as tf\n\nx = tf.placeholder(tf.float32, [None, 4])\n"
           "# errors only\ntf.logging.set_verbosity(tf.logging.ERROR)\nprint(x)\n# info again\n"
           "tf.logging.set_verbosity(tf.logging.INFO)\n")
    out = migrate_source(src, "s.py", Options()).code
    body = [ln for ln in out.splitlines() if not ln.startswith("# TODO")]
    assert body[body.index("# errors only") + 1] == "tf.logging.set_verbosity(tf.logging.ERROR)"
    assert body[body.index("# info again") + 1] == "tf.logging.set_verbosity(tf.logging.INFO)"
    assert body.index("# errors only") < body.index("print(x)") < body.index("# info again")
    assert migrate_source(out, "s.py", Options()).code in (None, out)


@pytest.mark.slow
def test_compat_v1_program_is_equivalent_to_tf1(tmp_path):
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / "compat_v1_class_program.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))


@pytest.mark.slow
def test_global_get_variable_towers_are_equivalent_to_tf1(tmp_path):
    # verify: the same weights give the same forward outputs and the same SGD step as TF1
    from migrator.weights.verify import judge, migrate_faithful, verify_pairs

    src = FIX / "global_get_variable_towers.py"
    res = verify_pairs([(src, migrate_faithful(src, tmp_path / "m"))], workdir=tmp_path / "v")[0]
    ok, lines = judge(res)
    assert not res.get("todo") and ok, "\n".join(lines + res.get("mapping", []))


# -- spellings of the same program (scripts/ of issue 10's mutation check) -------------------------

def _fixture(rel: str) -> str:
    return (FIX.parent / rel).read_text()


def test_compat_v1_placeholders_do_not_read_as_tower_outputs():
    # ``v1, v2 = encode(q1), encode(q2)`` after ``q1 = tf.compat.v1.placeholder(..)``: the
    # ``v1`` of ``tf.compat.v1`` is an attribute, not the tower output v1 (the towers were
    # taken for layers stacked on each other, and the shared encoder was not built)
    src = _fixture("heldout_f/bow_hinge.py")
    compat = src.replace("tf.placeholder(", "tf.compat.v1.placeholder(")
    assert compat != src and "v1, v2 = encode(q1), encode(q2)" in src
    out = _run(compat, True)
    assert TODO_MARKER not in out and "v1, v2 = encoder(q1), encoder(q2)" in out
    assert out == _run(src, True)


def test_initializer_run_on_the_default_session_in_a_dict_program():
    src = _fixture("heldout_i/dict_fetch_metric.py")
    v = src.replace("sess.run(tf.global_variables_initializer())", "tf.global_variables_initializer().run()")
    assert v != src
    out = _run(v, True)
    assert TODO_MARKER not in out and out == _run(src, True)


def test_optimizer_bound_to_a_name_with_a_step_counter_in_a_class():
    src = _fixture("realworld/kym343_resnet.py")
    old = "learn_step = tf.train.AdamOptimizer(learning_rate, beta1=self.beta1).minimize(loss, global_step=global_step)"
    assert old in src
    v = src.replace(old, "optimizer = tf.train.AdamOptimizer(learning_rate, beta1=self.beta1)\n"
                         "            learn_step = optimizer.minimize(loss, global_step=global_step)")
    out = _run(v, True)
    assert TODO_MARKER not in out and "learn_step.compile(optimizer=optimizer)" in out


def test_tf_log_level_goes_with_the_tf1_code():
    src = _fixture("realworld/stonekong_margin.py")
    v = src.replace("import tensorflow as tf\n", "import tensorflow as tf\ntf.logging.set_verbosity(tf.logging.ERROR)\n", 1)
    assert v != src
    r = migrate_source(v, "m.py", Options())
    assert TODO_MARKER not in r.code and "logging" not in r.code
    assert any(d.rule == "TFM148" and d.line == src.split("import tensorflow as tf")[0].count("\n") + 2
               for d in r.diagnostics)


@pytest.mark.parametrize("config", ["tf.ConfigProto(allow_soft_placement=True)",
                                    "tf.ConfigProto(gpu_options=tf.GPUOptions(allow_growth=True))"])
def test_a_class_owned_session_with_an_inline_config(config):
    src = _fixture("realworld/leimao_own_session.py")
    v = src.replace("        self.sess = tf.Session()\n", f"        self.sess = tf.Session(config={config})\n")
    assert v != src
    out = _run(v, True)
    assert TODO_MARKER not in out and "ConfigProto" not in out.split('"""', 2)[2]


def test_a_class_owned_session_with_a_computed_config_stays():
    src = _fixture("realworld/leimao_own_session.py")
    v = src.replace("        self.sess = tf.Session()\n", "        self.sess = tf.Session(config=make_config())\n")
    assert TODO_MARKER in _run(v, True)


_GROWTH = "config = tf.ConfigProto()\n{i}config.gpu_options.allow_growth = True\n{i}"


@pytest.mark.parametrize("rel, old", [
    ("heldout_i/dict_fetch_metric.py", "with tf.Session() as sess:"),   # a dict-returning builder (TFM145)
    ("realworld/kym343_resnet.py", "sess = tf.Session()"),             # a class given the session (TFM144)
])
def test_a_gpu_growth_config_goes_with_the_session(rel, old):
    src = _fixture(rel)
    indent = "    " if rel.startswith("realworld") else ""
    v = src.replace(old, _GROWTH.format(i=indent) + old.replace("Session()", "Session(config=config)"), 1)
    assert v != src and "allow_growth" in v
    out = _run(v, True)
    assert TODO_MARKER not in out and "allow_growth" not in out and "ConfigProto" not in out


def test_a_keyword_named_like_the_loop_variable_is_not_a_read_of_it():
    # ``name='global_step'`` after ``for x, name in zip(inputs, names):``: a keyword, not the loop
    # variable read after the loop (TFM177 declined to write the towers out)
    src = _fixture("heldout_l/zip_names_towers.py")
    old = "train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)"
    v = src.replace(old, "global_step = tf.Variable(0, trainable=False, name='global_step')\n"
                         "train_op = tf.train.AdamOptimizer(1e-3).minimize(loss, global_step=global_step)")
    assert v != src
    out = _run(v, True)
    assert TODO_MARKER not in out and "embs_1 = encoder(right)" in out


def _into_main(src: str, header: str, footer: str = "") -> str:
    """Everything from the session on moved into ``def main():`` (the graph stays global)."""
    lines = src.split("\n")
    k = next(i for i, ln in enumerate(lines) if ln.startswith(("with tf.Session() as sess:", "sess = tf.")))
    return "\n".join(lines[:k] + [header] + ["    " + x if x.strip() else x for x in lines[k:]]) + footer


@pytest.mark.parametrize("rel", ["heldout_f/bow_hinge.py", "heldout_m/weight_dict_towers.py",
                                 # tflearn.is_training(flag, session=sess) in main
                                 "heldout_d/session_is_training_bn.py",
                                 # FileWriter(logdir, sess.graph) and saver.save(sess, path) in main
                                 "realworld/evildj_expcontrastive.py"])
def test_a_main_function_with_its_own_session_runs_the_module_graph(rel):
    # def main(): sess = tf.Session() (or an InteractiveSession stepping op.run / t.eval) reading the
    # graph built at module level: runs of the module's program
    src = _fixture(rel)
    v = _into_main(src, "def main():", "\n\nif __name__ == '__main__':\n    main()\n")
    out = _run(v, True)
    assert TODO_MARKER not in out and "Session" not in out.split('"""', 2)[2]
    assert "def main():" in out and ".train_on_batch(" in out.split("def main():")[1]
    assert _run(out, True) in (None, out)


def test_a_main_session_used_otherwise_stays():
    src = _fixture("heldout_f/bow_hinge.py")
    v = _into_main(src, "def main():", "\n\nif __name__ == '__main__':\n    main()\n").replace(
        "    sess.run(tf.global_variables_initializer())", "    sess.run(tf.global_variables_initializer())\n    keep(sess)")
    assert "keep(sess)" in v
    assert TODO_MARKER in _run(v, True)


@pytest.mark.slow  # no TensorFlow, but ~30 migrations of variants no other test shares (~10 s)
def test_spelling_variants_script_finds_no_worse_spelling(capsys):
    # scripts/spelling_variants.py: every applicable spelling of two fixtures migrates as well as
    # the fixture (compat.v1, a main() session, log levels, configs, step counters ...)
    import importlib.util

    spec = importlib.util.spec_from_file_location("spelling_variants", FIX.parents[2] / "scripts" / "spelling_variants.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    files = [str(FIX.parent / "heldout_f" / "bow_hinge.py"), str(FIX / "global_get_variable_towers.py")]
    assert mod.main(files + ["--only", "compat_v1,logging,main_fn,gpu_growth,global_step,optimizer_name"]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1].endswith("variants applied, 0 migrate worse than their fixture")
    assert int(out.strip().splitlines()[-1].split()[0]) >= 8


def test_python2_xrange_loops_are_followed_like_range():
    # ``from six.moves import xrange``; ``for i in xrange(1, blocks)`` inside the towers: the
    # sharing analysis ran the loop as unknown, so the first run kept the towers TF1 and a second
    # run built the encoder (not idempotent)
    src = _fixture("realworld/kym343_resnet.py")
    v = src.replace("import numpy as np\n", "import numpy as np\nfrom six.moves import xrange\n", 1).replace(
        "in range(", "in xrange(")
    assert "xrange(" in v
    out = _run(v, True)
    assert TODO_MARKER not in out and "self.gw2, self.score2 = encoder(self.x2)" in out
    assert _run(out, True) in (None, out)


def test_python2_xrange_tower_lists_are_written_out():
    src = _fixture("heldout_l/range_index_towers.py")
    v = src.replace("in range(", "in xrange(")
    assert v != src
    v = v.replace("import numpy as np\n", "import numpy as np\nfrom six.moves import xrange\n", 1)
    out = _run(v, True)
    assert TODO_MARKER not in out and _run(out, True) in (None, out)


def test_an_unused_module_saver_does_not_keep_the_class_step_counter():
    # `saver = tf.train.Saver()` that nothing reads saves nothing: the class's step counter (read
    # only by minimize's global_step=) still goes, and so does the Saver
    src = (FIX / "compat_v1_class_program.py").read_text()
    variant = src.replace("sess = tf.InteractiveSession()\n", "sess = tf.InteractiveSession()\nsaver = tf.train.Saver()\n")
    assert variant != src
    out = _run(variant, False)
    assert TODO_MARKER not in out and "Saver" not in out and "tf.Variable(" not in out
    assert _run(out, False) in (None, out)
    # a Saver that saves keeps the counter (the checkpoint carried it)
    saved = variant.replace("np.savez(", "saver.save(sess, '/tmp/tfm_ckpt')\nnp.savez(")
    assert TODO_MARKER in _run(saved, False)
