"""StateAwareEMA copies state buffers and averages everything else."""
import torch
import torch.nn as nn

from mlc.models.utils import StateAwareEMA


class WithState(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.register_buffer('running', torch.zeros(2))
        self.state = nn.Module()
        self.state.register_buffer('confidence', torch.zeros(3, 2))


def test_state_copied_weights_and_other_buffers_averaged():
    model = WithState()
    ema = StateAwareEMA(model, momentum=0.5, update_buffers=True)
    ema.update_parameters(model)  # step 0 copies everything
    with torch.no_grad():
        old_w = model.fc.weight.clone()
        model.fc.weight.add_(2.)
        model.running.fill_(4.)
        model.state.confidence.fill_(1.)
    ema.update_parameters(model)
    torch.testing.assert_close(ema.module.fc.weight, old_w + 1.)
    torch.testing.assert_close(ema.module.running, torch.full((2, ), 2.))
    torch.testing.assert_close(ema.module.state.confidence,
                               torch.ones(3, 2))
