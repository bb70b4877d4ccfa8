"""tflearn programs whose network is held by an instance of a class of the file
(IvanArkhipov1999/project_summer2018; tests/fixtures/realworld/ivanarkhipov_tflearn.py):
``network = Siamese()`` makes ``self.x1/x2 = input_data(...)`` and a label placeholder
``self.y_``, ``regression(network.loss(), placeholder=network.y_, loss=fn)`` trains the loss
tensor the class computes from ``y_``, and the towers are read back with
``DNN(network.network1, session=model.session).predict({network.x1: t})``.

Fast: the migration has no TODO; the model's inputs are the instance's inputs with the label
placeholder last (a ``keras.Input``), ``fit`` feeds the targets both as that input and as the
targets (tflearn fed Y into the placeholder the network reads), the loss function is called
tflearn's way (y_pred, y_true); the two copied tower methods are reported by TFM201 and, with
fixes, the second input goes through the first tower.

Slow: ``verify`` on the fixture - the legacy probe feeds the target placeholder the network
reads as one more input - is EQUIVALENT.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator.engine import migrate_source
from migrator.options import Options

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "realworld" / "ivanarkhipov_tflearn.py"


def _migrate(fixes: bool):
    res = migrate_source(FIXTURE.read_text(encoding="utf-8"), FIXTURE.name, Options(fixes=fixes))
    assert res.status != "failed", res.reason
    return res


def test_faithful_migration_of_the_instance_program():
    res = _migrate(False)
    out = res.code
    assert "TODO(tflearn-migrate)" not in out, out
    assert "self.y_ = keras.Input(shape=())" in out
    assert "model = keras.Model(inputs=[network.x1, network.x2, network.y_], outputs=regression)" in out
    assert "loss=lambda y_true, y_pred: given_loss(y_pred, y_true)" in out
    assert "model.fit([x1, x2, y], y, batch_size=2, epochs=1)" in out
    assert "tower1 = keras.Model(inputs=network.x1, outputs=network.network1)" in out
    assert "tower1.predict(t1, verbose=0)" in out
    assert "self.network2 = self.network2(self.x2)" in out  # faithful: two towers, as TF1 had
    assert [d.rule for d in res.diagnostics].count("TFM201") == 1
    assert migrate_source(out, FIXTURE.name, Options(fixes=False)).code == out


def test_fixed_migration_shares_the_copied_towers():
    out = _migrate(True).code
    assert "self.network2 = keras.Model(self.x1, self.network1)(self.x2)" in out
    assert "TODO(tflearn-migrate)" not in out


@pytest.mark.slow
def test_instance_program_migration_is_equivalent(tmp_path):
    from migrator.weights.verify import judge, verify_pairs

    mig = tmp_path / "m.py"
    mig.write_text(_migrate(False).code, encoding="utf-8")
    (res,) = verify_pairs([(FIXTURE, mig)], workdir=tmp_path / "v")
    ok, lines = judge(res)
    assert ok, "\n".join(lines + res.get("mapping", []))
