"""Which legacy variable names play a Keras weight's role (numpy only, fast tier)."""
from __future__ import annotations

import pytest

from migrator.weights.mapping import plays


@pytest.mark.parametrize("name", ["kernel", "W", "w", "weights", "W1", "W_conv1", "fc1W", "conv2_w",
                                  "fc1_weights", "siamese/fc3W", "conv_1_kernel"])
def test_kernel_names(name):
    assert plays("kernel", name)
    assert not plays("bias", name)


@pytest.mark.parametrize("name", ["bias", "b", "biases", "b1", "b_conv1", "fc1b", "conv2_b", "fc1_biases",
                                  "siamese/fc3b", "out_bias"])
def test_bias_names(name):
    assert plays("bias", name)
    assert not plays("kernel", name)


@pytest.mark.parametrize("role,name", [("bias", "emb"), ("bias", "verb"), ("kernel", "new"), ("kernel", "fcW_extra"),
                                       ("bias", "beta"), ("kernel", "gamma")])
def test_names_that_play_no_such_role(role, name):
    assert not plays(role, name)
