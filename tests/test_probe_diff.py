"""verify's comparison of a migrated tensor with the legacy one (weights/probe_keras.diff): NaN at
the same place on both sides (a mean over an empty sequence the probe's random lengths make) is
the same value; a tensor of nothing but NaN compares nothing. No TensorFlow here."""
from __future__ import annotations

import math

import numpy as np

from migrator.weights.probe_keras import diff


def test_the_same_nan_on_both_sides_is_equal_and_the_rest_is_compared():
    a = np.array([np.nan, 1.0, 2.0])
    d = diff(a, np.array([np.nan, 1.0, 2.0]))
    assert d["max_abs"] == 0.0 and d["same_nonfinite"] == 1
    d = diff(a, np.array([np.nan, 1.0, 2.5]))
    assert d["max_abs"] == 0.5


def test_a_nan_on_one_side_only_differs():
    d = diff(np.array([np.nan, 1.0]), np.array([0.0, 1.0]))
    assert math.isnan(d["max_abs"]) and "same_nonfinite" not in d


def test_nothing_but_nan_compares_nothing():
    d = diff(np.array([np.nan, np.nan]), np.array([np.nan, np.nan]))
    assert math.isnan(d["max_abs"]) and d["same_nonfinite"] == 2


def test_infinities_of_the_same_sign_are_equal():
    assert diff(np.array([np.inf, 3.0]), np.array([np.inf, 3.0]))["max_abs"] == 0.0
    assert not math.isfinite(diff(np.array([np.inf, 3.0]), np.array([-np.inf, 3.0]))["max_abs"])
