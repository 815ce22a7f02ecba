"""AutocastOptimWrapper: bfloat16 autocast in the train step on the CPU,
float32 parameters and validation (``tools/train.py --bf16``:
tests/tools/test_cli.py)."""
import torch
import torch.nn as nn
from mmengine.model import BaseModel

from mlc.engine.optimizers import AutocastOptimWrapper
from mlc.registry import OPTIM_WRAPPERS


class Net(BaseModel):
    """A conv and a linear layer; records the dtype its conv computed in."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4, 2)
        self.seen = []

    def forward(self, inputs, data_samples=None, mode='tensor'):
        feat = self.conv(inputs)
        self.seen.append(feat.dtype)
        out = self.fc(feat.mean((2, 3)))
        if mode == 'loss':
            return dict(loss=out.float().pow(2).mean())
        return out


def test_train_step_runs_in_bfloat16_and_keeps_float32_state():
    torch.manual_seed(0)
    net = Net()
    wrapper = OPTIM_WRAPPERS.build(dict(
        type='AutocastOptimWrapper',
        optimizer=torch.optim.SGD(net.parameters(), lr=0.1)))
    assert isinstance(wrapper, AutocastOptimWrapper)
    before = net.conv.weight.detach().clone()
    data = dict(inputs=torch.randn(2, 3, 6, 6))
    log = net.train_step(data, wrapper)
    assert net.seen == [torch.bfloat16]
    assert torch.isfinite(log['loss'])
    assert net.conv.weight.dtype == torch.float32
    assert not torch.equal(net.conv.weight, before)  # it stepped
    net.val_step(data)  # outside the train step: float32
    assert net.seen[-1] == torch.float32



def test_device_of_a_model_without_parameters():
    """A model without parameters (nothing to step) gets mmengine's current
    device instead of a StopIteration from its empty parameter list."""
    wrapper = OPTIM_WRAPPERS.build(dict(
        type='AutocastOptimWrapper',
        optimizer=torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.1)))
    with wrapper.optim_context(nn.ReLU()):
        assert torch.is_autocast_enabled('cpu')
        assert torch.get_autocast_dtype('cpu') == torch.bfloat16
