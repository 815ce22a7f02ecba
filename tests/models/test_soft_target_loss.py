"""PUMixupConsistencyLoss runs through the one checked forward of
MultiLabelLossBase, with soft targets in [0, 1] (``target_values='soft'``)
instead of observed labels in {1, 0, -1}."""
import pytest
import torch

from mlc.models.losses import (
    MultiLabelLossBase,
    PUMixupConsistencyLoss,
    mlc_loss_base,
    pu_mixup_consistency_loss,
)
from mlc.models.losses.mlc_loss_base import checked_inputs

NAME = 'PUMixupConsistencyLoss'


def soft_batch(seed=0, b=4, c=3):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(b, c, generator=gen), torch.rand(b, c, generator=gen)


def test_mix_loss_uses_the_base_forward():
    assert issubclass(PUMixupConsistencyLoss, MultiLabelLossBase)
    assert 'forward' not in vars(PUMixupConsistencyLoss)
    assert PUMixupConsistencyLoss.forward is MultiLabelLossBase.forward
    loss = PUMixupConsistencyLoss()
    assert (loss.target_values, loss.unknown_as, loss.reduction) == (
        'soft', 'none', 'batchmean')


@pytest.mark.parametrize('reduction', ['none', 'sum', 'mean', 'batchmean'])
@pytest.mark.parametrize('dtype', [torch.float16, torch.float32,
                                   torch.float64])
def test_module_is_weight_times_functional_bit_for_bit(reduction, dtype):
    z, t = soft_batch(1)
    z = z.to(dtype)
    for weight in (None, torch.rand(4), torch.rand(4, 3)):
        for loss_weight in (1., 0.3):
            loss = PUMixupConsistencyLoss(reduction=reduction,
                                          loss_weight=loss_weight)
            ours = z.clone().requires_grad_(True)
            theirs = z.clone().requires_grad_(True)
            out = loss(ours, t, weight, avg_factor=None)
            expected = loss_weight * pu_mixup_consistency_loss(
                theirs, t, weight, 1e-10, reduction)
            assert out.dtype == (torch.float64 if dtype == torch.float64
                                 else torch.float32)
            assert torch.equal(out, expected)
            out.sum().backward()
            expected.sum().backward()
            assert torch.equal(ours.grad, theirs.grad)


def test_soft_values_checked_on_the_first_call_only(monkeypatch):
    logged = []
    monkeypatch.setattr(mlc_loss_base, 'log_unknowns',
                        lambda *args: logged.append(args))
    z, t = soft_batch()
    loss = PUMixupConsistencyLoss()
    bad = t.clone()
    bad[1, 2] = 1.5
    with pytest.raises(ValueError, match=rf'^{NAME}: targets must be in '
                       r'\[0, 1\], found 1.5$'):
        loss(z, bad)
    with pytest.raises(ValueError, match=rf'^{NAME}: targets .* found nan'):
        loss(z, t.masked_fill(t > 0.5, float('nan')))
    with pytest.raises(ValueError, match=rf'^{NAME}: logits contain NaN'):
        loss(z / 0 * 0, t)
    with pytest.raises(ValueError, match=rf'^{NAME}: weights must be non'):
        loss(z, t, weight=-torch.ones(4))
    assert not loss._checked
    out_z, out_t = checked_inputs(loss, z.half(), t, None, 'sum',
                                  loss.reductions)
    assert loss._checked and logged == []  # soft targets: no unknowns
    assert out_z.dtype == torch.float32 and torch.equal(out_t, t)
    loss(z, t - 1)  # values trusted now ...
    with pytest.raises(ValueError, match=rf'^{NAME}: logits .* must both'):
        loss(z, t[:, :2])  # ... shapes never
    with pytest.raises(ValueError, match=rf'^{NAME}: weight of shape'):
        loss(z, t, weight=torch.ones(3))
    monkeypatch.setattr(mlc_loss_base, 'CHECK_EVERY_CALL', True)
    with pytest.raises(ValueError, match=r'\[0, 1\]'):
        loss(z, t - 1)


def test_mix_reductions_and_unknown_modes_are_its_own():
    z, t = soft_batch()
    message = (rf"^{NAME}: reduction must be one of \('none', 'sum', "
               r"'mean', 'batchmean'\), got 'global_sum'$")
    with pytest.raises(ValueError, match=message):
        PUMixupConsistencyLoss(reduction='global_sum')
    with pytest.raises(ValueError, match=message):
        PUMixupConsistencyLoss()(z, t, reduction_override='global_sum')
    with pytest.raises(ValueError, match=rf'^{NAME}: mix_alpha must be > 0'):
        PUMixupConsistencyLoss(mix_alpha=0)
    with pytest.raises(TypeError, match='unknown_as'):
        PUMixupConsistencyLoss(unknown_as='ignore')
