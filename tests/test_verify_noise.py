"""verify without false alarms: weights whose gradient is rounding noise.

A conv bias that feeds batch norm has a true gradient of 0; both runtimes compute ~1e-9 of
float32 residue instead, and Adam's first step turns each side's residue into an independent
step of up to +-lr. ``verify`` judges such weights on their gradients (dumped by both probes)
relative to the model's gradient scale (``verify.is_rounding_noise``). These tests show that
(1) the rule decides on the numbers it should (fast, no TensorFlow), (2) tflearn's residual
network with Adam is EQUIVALENT although its biases differ by O(lr) after one step, and
(3) negative controls - a wrong optimizer constant, a wrong layer constant - still fail.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrator.weights.verify import (GRAD_RTOL, NOISE_REL, is_gradient_amplified, is_rounding_noise, is_update_order,
                                     judge, migrate_faithful, verify_many)

ROOT = Path(__file__).resolve().parents[1]
RESNET = ROOT / "tests" / "fixtures" / "verify" / "resnet_adam.py"


def _step(**kw):
    s = {"weight": "conv2d/bias", "rel": 0.6, "max_abs": 2e-4, "update_rel": 0.6, "grad_scale": 5e-3,
         "grad_max": 3e-9, "grad_rel": 4e-7, "noise_elems": 8, "rel_signal": 0.0}
    s.update(kw)
    return s


def _res(*steps):
    return {"forward": [{"output": "y", "shape": [8, 10], "max_abs": 1e-7, "max_rel": 1e-7}], "step": list(steps)}


def test_noise_level_bias_passes():
    assert is_rounding_noise(_step())
    ok, lines = judge(_res(_step()))
    assert ok and any("rounding noise" in l for l in lines)


def _stat(name="embedding/bn1/moving_mean", update_rel=1.64e-4):
    # hold-out style triplet program: one contrib batch_norm shared by three towers; the moving
    # mean (from 0) after one step, TF1 having run the three update ops in its own order
    return {"weight": name, "rel": update_rel, "max_abs": 4.6e-7, "update_rel": update_rel}


def test_moving_statistics_updated_in_another_tower_order_pass():
    assert is_update_order(_stat())
    ok, lines = judge(_res(_stat(), _stat("bn/moving_variance:0", 3e-5)))
    assert ok and any("UPDATE_OPS" in line for line in lines)


def test_moving_statistics_with_a_wrong_decay_or_without_bessel_fail():
    # decay 0.99 instead of 0.999: the update 10x; the unbiased batch variance of 64 rows
    # (TF1's fused kernel) against the biased one: the update 1/63 apart
    assert not judge(_res(_stat(update_rel=9.0)))[0]
    assert not judge(_res(_stat("bn/moving_variance", update_rel=1 / 63)))[0]


def test_a_mean_shared_by_towers_is_judged_on_its_momentum_and_tower_count():
    # tflearn's batch norm (decay 0.9) shared by three towers: TF1's update ops read the mean
    # when each runs, Keras applies them in call order - 0.0205 of the update apart (held-out
    # tflearn triplet program); the bound is (3 - 1) x (1 - 0.9)
    shared = dict(stat_calls=3, stat_momentum=0.9)
    assert is_update_order({**_stat(update_rel=0.0205), **shared})
    ok, lines = judge(_res({**_stat(update_rel=0.0205), **shared}))
    assert ok and any("3 towers, momentum 0.9" in line for line in lines)
    # negative controls: one tower (nothing to reorder), a momentum 0.99 written for 0.9 (the
    # update 10x smaller: 0.9 of itself), and the moving variance (Bessel: strict bound)
    assert not judge(_res({**_stat(update_rel=0.0205), "stat_calls": 1, "stat_momentum": 0.9}))[0]
    assert not judge(_res({**_stat(update_rel=0.9), **shared}))[0]
    assert not judge(_res({**_stat("bn/moving_variance", update_rel=0.0205), **shared}))[0]


def test_the_update_order_excuse_is_for_moving_statistics_only():
    assert not is_update_order(_stat("dense/kernel"))
    assert not judge(_res({"weight": "dense/kernel", "rel": 1.64e-4, "max_abs": 1e-6, "update_rel": 1.64e-4}))[0]


def test_without_gradients_the_strict_rule_applies():
    s = _step()
    for k in ("grad_scale", "grad_max", "grad_rel", "noise_elems", "rel_signal"):
        s.pop(k)
    assert not is_rounding_noise(s)
    assert not judge(_res(s))[0]


def test_signal_elements_that_differ_fail():
    # the noise-level elements are excused, the others are not
    assert not is_rounding_noise(_step(rel_signal=1e-3))
    assert not judge(_res(_step(rel_signal=1e-3)))[0]


def test_gradients_that_disagree_fail():
    # e.g. one side has a real gradient where the other has noise: the gradients differ by
    # far more than GRAD_RTOL of the layer's scale
    assert not is_rounding_noise(_step(grad_rel=10 * GRAD_RTOL))


def test_no_noise_elements_no_excuse():
    assert not is_rounding_noise(_step(noise_elems=0))


def test_a_layer_that_is_all_residue_is_judged_on_the_models_scale():
    """stonekong_margin (tests/fixtures/realworld): the last 1x1 conv + batch norm feed only
    the distance of two shared towers, which a per-channel shift does not change - their
    largest gradient is ~1e-8 (the layer has no scale of its own) against 8e-3 for the model.
    On the model's scale they are noise; a weight whose gradients disagree on that scale, or
    whose signal elements differ, is not."""
    import numpy as np

    from migrator.weights.probe_keras import _noise_fields

    rng = np.random.RandomState(0)
    model_scale = 8.1e-3
    before = rng.randn(8).astype(np.float32)
    gl = rng.uniform(-1.5e-8, 1.5e-8, 8)
    gk = gl + rng.uniform(-1e-8, 1e-8, 8)  # independent float32 residue on each side
    lr = 1e-3
    want = before - lr * gl / (np.abs(gl) + 1e-8)  # Adam's first step turns residue into +-lr
    got = before - lr * gk / (np.abs(gk) + 1e-8)
    s = {"weight": "conv2d_5/bias", "rel": float(np.linalg.norm(got - want) / np.linalg.norm(want)),
         "max_abs": 0.0, "update_rel": 1.0, **_noise_fields(got, want, gk, gl, model_scale)}
    assert s["rel"] > 1e-5 and s["noise_elems"] == 8
    assert is_rounding_noise(s) and judge(_res(s))[0]
    # against the layer's own scale (its largest gradient, 1.5e-8) nothing is noise: the false alarm
    assert not is_rounding_noise({**s, **_noise_fields(got, want, gk, gl, float(np.max(np.abs(gl))))})
    # negative controls: a real gradient on one side (a wrong loss term), or signal elements that differ
    gk_bad = gk.copy()
    gk_bad[0] = 5e-3
    bad = {**s, **_noise_fields(got, want, gk_bad, gl, model_scale)}
    assert not is_rounding_noise(bad) and not judge(_res(bad))[0]
    gl_sig, gk_sig = gl.copy(), gk.copy()
    gl_sig[1] = gk_sig[1] = 4e-3  # an element carrying signal, whose value after the step differs
    got_sig = got.copy()
    got_sig[1] += 1e-3
    sig = {**s, **_noise_fields(got_sig, want, gk_sig, gl_sig, model_scale)}
    assert not is_rounding_noise(sig)


def test_thresholds_leave_a_margin_over_measured_noise():
    # measured on resnet_adam (see DEVELOPERS.md): residue/scale <= 1e-6, gradient agreement
    # of real weights <= 3e-5 of the scale
    assert NOISE_REL >= 50 * 1e-6 and GRAD_RTOL >= 3 * 3e-5


@pytest.mark.slow
def test_resnet_with_adam_is_equivalent_and_negative_controls_fail(tmp_path):
    faithful = migrate_faithful(RESNET, tmp_path / "m")
    src = faithful.read_text(encoding="utf-8")
    # wrong optimizer constant: Keras' default Adam epsilon instead of TF1's 1e-8
    assert "epsilon=1e-8" in src
    wrong_eps = tmp_path / "wrong_eps.py"
    wrong_eps.write_text(src.replace("epsilon=1e-8", "epsilon=1e-7"), encoding="utf-8")
    # wrong layer constant: the first conv's weight decay x10 (the forward pass is unchanged,
    # only the training step sees it)
    m = re.search(r"kernel_regularizer=keras\.regularizers\.L2\(([0-9.e-]+)\)", src)
    assert m, "the migrated resnet has an L2 regularizer"
    wrong_l2 = tmp_path / "wrong_l2.py"
    wrong_l2.write_text(src.replace(m.group(0), f"kernel_regularizer=keras.regularizers.L2({float(m.group(1)) * 10!r})",
                                    1), encoding="utf-8")
    res = verify_many(RESNET, [faithful, wrong_eps, wrong_l2], workdir=tmp_path / "v")

    good, eps, l2 = res
    ok, lines = judge(good)
    assert ok, "\n".join(lines + good.get("mapping", []))
    biases = [s for s in good["step"] if s["weight"].endswith("/bias") and s["weight"].startswith("conv2d")]
    assert biases, "the conv biases are compared"
    # without the rule these weights fail the strict check: the false alarm this fixes
    assert any(s["rel"] > 1e-3 for s in biases)
    assert all(s["rel"] <= 1e-5 or is_rounding_noise(s) for s in good["step"])

    for bad, what in ((eps, "Adam epsilon 1e-7"), (l2, "weight decay x10")):
        ok, lines = judge(bad)
        assert not ok, f"{what} must be caught:\n" + "\n".join(lines)
        # the failures are on weights that carry signal, not excused as noise
        assert any(s["rel"] > 1e-5 and not is_rounding_noise(s) and not s["weight"].endswith("moving_mean")
                   for s in bad["step"])


@pytest.mark.slow
def test_tflearn_residual_densenet_resnext_with_adam_are_equivalent(tmp_path):
    """The block fixtures (SGD, truncated-normal biases: written to dodge the false alarm)
    rewritten as tflearn's examples use them - Adam, zero-initialised conv biases - are
    EQUIVALENT, and at least one of their weights is judged as rounding noise."""
    sources = [ROOT / "tests" / "fixtures" / "residual" / "resnet_small.py",
               ROOT / "tests" / "fixtures" / "blocks" / "densenet_small.py",
               ROOT / "tests" / "fixtures" / "blocks" / "resnext_small.py"]
    pairs = []
    for src in sources:
        text = src.read_text(encoding="utf-8")
        assert "optimizer='sgd', learning_rate=0.1" in text
        text = text.replace("optimizer='sgd', learning_rate=0.1", "optimizer='adam', learning_rate=0.01")
        text = re.sub(r",\s*bias_init='truncated_normal'", "", text)
        legacy = tmp_path / f"{src.stem}_adam.py"
        legacy.write_text(text, encoding="utf-8")
        pairs.append((legacy, migrate_faithful(legacy, tmp_path / f"m_{src.stem}")))
    from migrator.weights.verify import verify_pairs

    results = verify_pairs(pairs, workdir=tmp_path / "v")
    noise_judged = 0
    for (legacy, _), res in zip(pairs, results):
        assert not res.get("todo"), f"{legacy.name}: faithful migration has TODO markers"
        ok, lines = judge(res)
        assert ok, f"{legacy.name}\n" + "\n".join(lines + res.get("mapping", []))
        noise_judged += sum(1 for s in res["step"] if s["rel"] > 1e-5 and is_rounding_noise(s))
    assert noise_judged > 0, "the Adam variants exercise the rounding-noise rule"


def _amp(**kw):
    # b_tflearn_l1_custom (held out): the sigmoid unit on an L1 distance of two shared towers;
    # its bias gradient 4.6e-6 is a near-cancelling sum (the model's largest: 4.6e-4), the two
    # sides' gradients 3.7e-9 apart, which Adam's first step magnifies to 5.5e-8 of the weight
    s = {"weight": "dense_2/bias", "rel": 5.85e-5, "max_abs": 5.47e-8, "update_rel": 5.85e-5,
         "grad_scale": 4.6e-4, "grad_max": 4.6e-6, "grad_rel": 8.1e-6, "noise_elems": 0,
         "rel_signal": 5.85e-5, "replay_rel": 3e-8}
    s.update(kw)
    return s


def test_a_near_cancelling_gradient_amplified_by_adam_passes():
    s = _amp()
    assert not is_rounding_noise(s), "not noise: the gradient is 1e-2 of the model's"
    assert is_gradient_amplified(s)
    ok, lines = judge(_res(s))
    assert ok and any("amplified" in line for line in lines)


def test_amplified_gradient_negative_controls_fail():
    # a wrong optimizer constant (Keras' Adam epsilon 1e-7 instead of TF1's 1e-8): the replay of
    # the legacy gradient through the Keras optimizer misses the legacy weight
    assert not is_gradient_amplified(_amp(replay_rel=2e-3)) and not judge(_res(_amp(replay_rel=2e-3)))[0]
    # a bias used differently: its gradient changes by O(itself), 1e-2 of the model's scale
    assert not is_gradient_amplified(_amp(grad_rel=1e-2)) and not judge(_res(_amp(grad_rel=1e-2)))[0]
    # no replay (the optimizer could not be copied) or no gradients: the strict rule
    s = _amp()
    s.pop("replay_rel")
    assert not judge(_res(s))[0]
    assert not is_gradient_amplified(_amp(grad_scale=0.0))


def test_adam_first_step_magnifies_a_gradient_difference_as_measured():
    """The number behind the rule: TF1 Adam's first step lr * g / (|g| + eps / sqrt(1 - b2))
    maps the measured gradients (4.6e-6, 3.7e-9 apart) to steps ~5e-8 apart - the measured
    weight difference - while a gradient of the model's scale moves by ~1e-12."""
    lr, eps_hat = 1e-3, 1e-8 / (1 - 0.999) ** 0.5

    def step(g):
        return lr * g / (abs(g) + eps_hat)

    assert 3e-8 < abs(step(4.6e-6 + 3.7e-9) - step(4.6e-6)) < 8e-8
    assert abs(step(4.6e-4 + 3.7e-9) - step(4.6e-4)) < 1e-11


@pytest.mark.slow
def test_the_replayed_step_is_tf1_adams_and_catches_a_wrong_epsilon():
    """probe_keras._replay_step (the OPTIMIZER half of is_gradient_amplified): a fresh copy of the
    migrated Adam fed a gradient lands on TF1's first step ``lr * g / (|g| + eps / sqrt(1 - b2))``
    - also where that step is steepest (|g| ~ 1e-5) - with clipping dropped (the legacy gradient
    is clipped already); Keras' default epsilon there misses it by far more than rtol."""
    import keras
    import numpy as np

    from migrator.weights.probe_keras import _replay_step

    g = np.array([4.6e-6, -4.6e-6 + 3.7e-9, 4.6e-4, -2e-2], np.float32)
    before = np.array([0.0, 0.1, -0.2, 0.3], np.float32)
    want = before - 1e-3 * g.astype(np.float64) / (np.abs(g) + 1e-8 / np.sqrt(1 - 0.999))
    var = keras.Variable(before)

    def rel(x):
        return float(np.linalg.norm(x - want) / np.linalg.norm(want))

    good = _replay_step(keras.optimizers.Adam(learning_rate=1e-3, epsilon=1e-8, global_clipnorm=1e-6), before, g, var)
    assert good is not None and rel(good) <= 1e-6
    wrong = _replay_step(keras.optimizers.Adam(learning_rate=1e-3, epsilon=1e-7), before, g, var)
    assert rel(wrong) > 1e-3
    assert np.array_equal(np.asarray(var), before), "the model's variable is left alone"


def test_an_output_nan_on_both_sides_everywhere_is_not_proven_not_different():
    nan = float("nan")
    blind = {"output": "loss", "shape": [1], "max_abs": nan, "max_rel": nan, "rel": nan, "same_nonfinite": 1}
    res = {"forward": [blind, {"output": "y", "shape": [8, 10], "max_abs": 1e-7, "max_rel": 1e-7}],
           "step": [_step(rel=1e-7, update_rel=0.1)]}
    ok, lines = judge(res)
    assert not ok and res["unproven"]
    assert any("non-finite in every element on both sides" in l for l in lines)
    # with a real difference beside it, the verdict is DIFFERENT
    res2 = {"forward": [dict(blind), {"output": "y", "shape": [8, 10], "max_abs": 0.3, "max_rel": 0.1}],
            "step": []}
    ok2, _ = judge(res2)
    assert not ok2 and not res2["unproven"]
    # NaN on one side only is a difference (probe_keras gives no same_nonfinite then)
    res3 = {"forward": [{"output": "loss", "shape": [1], "max_abs": nan, "max_rel": nan, "rel": nan}], "step": []}
    ok3, _ = judge(res3)
    assert not ok3 and not res3["unproven"]
