"""Weights-only checkpoint loading (torch >= 2.6) with mmengine state."""
import os

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import CheckpointLoader

import mlc  # noqa: F401
from mlc.utils import UnsafeCheckpointError


def test_message_hub_round_trip_weights_only(tmp_path):
    hub = MessageHub.get_instance('compat-test')
    hub.update_scalar('train/loss', 0.5)
    hub.update_scalar('train/loss', 0.25)
    hub.update_info('iter', 3)
    state = dict(message_hub=hub.state_dict(), seed=np.int64(3),
                 lr=np.float64(0.1), hist=np.arange(4, dtype=np.int32),
                 weights=torch.ones(2))
    path = tmp_path / 'ckpt.pth'
    torch.save(state, path)
    loaded = torch.load(path, weights_only=True)
    buf = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buf, HistoryBuffer)
    assert buf.mean() == pytest.approx(0.375)
    assert buf.current() == 0.25
    assert loaded['seed'] == 3 and loaded['lr'] == 0.1
    np.testing.assert_array_equal(loaded['hist'], np.arange(4))
    # statistics methods are no longer pickled into the instance
    assert 'statistics_methods' not in buf.__dict__


class _Smuggler:
    """Runs os.system on unpickling."""

    def __reduce__(self):
        return (os.system, ('echo pwned > /dev/null', ))


def test_smuggled_callable_is_refused_with_clear_error(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'x': _Smuggler()}, path)
    with pytest.raises(UnsafeCheckpointError) as info:
        CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert str(path) in str(info.value)
    assert 'system' in str(info.value)


def test_getattr_based_function_pickle_is_refused(tmp_path):
    # an old mmengine HistoryBuffer state pickles functions via getattr
    path = tmp_path / 'old.pth'
    torch.save({'f': HistoryBuffer.mean}, path)
    with pytest.raises(UnsafeCheckpointError):
        CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
