"""checked_inputs: the input checks shared by the multi-label loss modules
(MLCLossBase subclasses and VPULoss)."""
import pytest
import torch

from mlc.models import MaskedBCELoss
from mlc.models.losses import VPULoss
from mlc.models.losses.mlc_loss_base import checked_inputs


@pytest.mark.parametrize('loss', [MaskedBCELoss(), VPULoss()])
def test_values_checked_on_the_first_call_only(loss):
    z = torch.zeros(4, 3, dtype=torch.float16)
    t = torch.tensor([[1., 0., -1.]] * 4)
    with pytest.raises(ValueError, match='targets must be in'):
        checked_inputs(loss, z, t * 2, None, 'sum')
    assert not loss._checked
    out_z, out_t = checked_inputs(loss, z, t, None, 'sum')
    assert loss._checked
    assert out_z.dtype == torch.float32 and out_t.dtype == torch.float32
    assert torch.equal(out_t, t)
    checked_inputs(loss, z, t * 2, None, 'sum')  # values trusted now
    with pytest.raises(ValueError, match='must both be'):
        checked_inputs(loss, z, t[:, :2], None, 'sum')  # shapes never


def test_vpu_reductions_are_its_own():
    loss = VPULoss()
    z, t = torch.zeros(4, 3), torch.ones(4, 3)
    with pytest.raises(ValueError, match=r"^VPULoss: reduction must be one "
                       r"of \('none', 'sum', 'mean'\), got 'batchmean'$"):
        loss(z, t, reduction_override='batchmean')
