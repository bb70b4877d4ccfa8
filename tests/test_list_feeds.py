"""tflearn accepted Python lists in fit/predict; Keras 3 reads a list as several inputs.
A feed bound to ``something.tolist()`` (tflearn's multiple_regression example) is a list too."""
from __future__ import annotations

from migrator.engine import migrate_source
from migrator.options import Options

SRC = """import numpy as np
import tflearn

X = np.random.rand(10, 10).tolist()
Y = np.random.rand(10, 2).tolist()
net = tflearn.input_data(shape=[None, 10])
net = tflearn.fully_connected(net, 2)
net = tflearn.regression(net, optimizer='sgd', loss='mean_square')
m = tflearn.DNN(net)
m.fit(X, Y, n_epoch=3)
Z = np.random.rand(1, 10)
print(m.predict(np.random.rand(1, 10).tolist()), m.predict(Z))
"""


def test_tolist_feeds_become_arrays_and_arrays_stay():
    code = migrate_source(SRC, "m.py", Options(fixes=False)).code
    assert "m.fit(np.asarray(X), np.asarray(Y)," in code
    assert "m.predict(np.asarray(np.random.rand(1, 10).tolist()), verbose=0)" in code
    assert "m.predict(Z, verbose=0)" in code  # an array is left as it is
