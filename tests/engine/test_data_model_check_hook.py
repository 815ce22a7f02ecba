"""DataModelCheckHook: one-line stop on a num_classes mismatch, a warning on
train/eval input sizes that differ; the RNG states are left untouched."""
import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from mlc.engine.hooks import data_model_check_hook as module
from mlc.engine.hooks.data_model_check_hook import DataModelCheckHook


class _Set:
    """Dataset stub whose samples draw from every global RNG (as random
    crops do) and pack an image of ``size``."""

    def __init__(self, num_classes: int, size: tuple) -> None:
        self.metainfo = dict(classes=[str(c) for c in range(num_classes)])
        self.ann_file = 'data/x/train.json'
        self.size = size

    def __getitem__(self, idx: int) -> dict:
        random.random(), np.random.rand(), torch.rand(1)
        return dict(inputs=torch.zeros(3, *self.size))


def _runner(head_classes: int, train: _Set, val: _Set):
    model = nn.Module()
    model.head = SimpleNamespace(num_classes=head_classes)
    return SimpleNamespace(
        model=model, train_dataloader=SimpleNamespace(dataset=train),
        val_loop=object(), val_dataloader=SimpleNamespace(dataset=val),
        test_dataloader=SimpleNamespace(dataset=val))


def test_num_classes_mismatch_is_one_line():
    runner = _runner(10, _Set(4, (32, 32)), _Set(4, (32, 32)))
    with pytest.raises(ValueError) as err:
        DataModelCheckHook().before_train(runner)
    assert str(err.value) == (
        'the model head has num_classes=10 but train_dataloader '
        '(_Set, data/x/train.json) has 4 classes: set '
        'model.head.num_classes=4 (an own_data config takes it from the '
        'data)')
    with pytest.raises(ValueError, match='test_dataloader'):
        DataModelCheckHook().before_test(runner)


def test_size_mismatch_is_reported_and_rng_untouched(monkeypatch):
    logged = []
    monkeypatch.setattr(module, 'print_log',
                        lambda msg, **kw: logged.append(msg))
    states = (random.getstate(), np.random.get_state()[1].copy(),
              torch.get_rng_state())
    DataModelCheckHook().before_train(
        _runner(4, _Set(4, (32, 32)), _Set(4, (40, 48))))
    assert len(logged) == 1 and logged[0].startswith(
        'input size mismatch: training images reach the model at 32x32 px '
        '(H x W) but val_dataloader images at 40x48 px')
    assert random.getstate() == states[0]
    assert (np.random.get_state()[1] == states[1]).all()
    assert torch.equal(torch.get_rng_state(), states[2])
    DataModelCheckHook().before_train(
        _runner(4, _Set(4, (48, 48)), _Set(4, (48, 48))))
    assert len(logged) == 1
