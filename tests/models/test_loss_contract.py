"""Contract of every registered MLCLossBase loss (docs/conventions.md §4)."""
import math

import pytest
import torch
import torch.nn.functional as F

from mlc.models.losses import MaskedBCELoss, MLCLossBase, mlc_loss_base
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)


def registered_losses():
    return sorted(name for name, cls in MODELS.module_dict.items()
                  if isinstance(cls, type) and issubclass(cls, MLCLossBase))


def build(name, **kwargs):
    return MODELS.build(dict(type=name, **kwargs))


def batch(seed=0, b=6, c=5):
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(b, c, generator=gen, dtype=torch.float64)
    t = torch.randint(-1, 2, (b, c), generator=gen).double()
    t[0, 0], t[1, 1], t[2, 2] = 1, 0, -1
    return z, t


@pytest.mark.parametrize('name', registered_losses())
def test_ignore_gives_zero_loss_and_gradient_on_unknowns(name):
    loss = build(name, unknown_as='ignore', reduction='none')
    z, t = batch()
    z.requires_grad_(True)
    out = loss(z, t)
    assert out.shape == z.shape
    assert (out[t == -1] == 0).all()
    out.sum().backward()
    assert (z.grad[t == -1] == 0).all()
    assert (z.grad[t != -1] != 0).any()


@pytest.mark.parametrize('name', registered_losses())
def test_error_mode_raises_on_unknowns(name):
    z, t = batch()
    with pytest.raises(ValueError, match='unknown'):
        build(name, unknown_as='error')(z, t)
    build(name, unknown_as='error')(z, t.clamp(min=0))


@pytest.mark.parametrize('name', registered_losses())
def test_reductions_agree(name):
    z, t = batch(1)
    loss = build(name, unknown_as='ignore', reduction='none')
    per_entry = loss(z, t)
    count = int((t != -1).sum())
    total = loss(z, t, reduction_override='sum')
    torch.testing.assert_close(total, per_entry.sum())
    torch.testing.assert_close(loss(z, t, reduction_override='mean') * count,
                               total)
    torch.testing.assert_close(
        loss(z, t, reduction_override='batchmean') * z.shape[0], total)
    torch.testing.assert_close(
        loss(z, t, avg_factor=4., reduction_override='mean') * 4, total)
    double = build(name, unknown_as='ignore', reduction='sum',
                   loss_weight=2.)(z, t)
    torch.testing.assert_close(double, 2 * total)


@pytest.mark.parametrize('name', registered_losses())
def test_global_sum_is_local_sum_times_world_size(name, monkeypatch):
    z, t = batch(1)
    loss = build(name, reduction='global_sum')
    assert loss.reduction == 'global_sum'
    total = loss(z, t, reduction_override='sum')
    torch.testing.assert_close(loss(z, t), total)  # one process
    monkeypatch.setattr(mlc_loss_base, 'get_world_size', lambda: 8)
    torch.testing.assert_close(loss(z, t), 8 * total)
    # other reductions are not scaled
    torch.testing.assert_close(loss(z, t, reduction_override='sum'), total)
    with pytest.raises(ValueError, match=f'{name}.*reduction'):
        build(name, reduction='global')


@pytest.mark.parametrize('name', registered_losses())
def test_sample_and_entry_weights_agree(name):
    z, t = batch(2)
    w = torch.rand(z.shape[0], dtype=torch.float64)
    loss = build(name, reduction='sum')
    torch.testing.assert_close(loss(z, t, weight=w),
                               loss(z, t, weight=w[:, None].expand_as(z)))
    zero = loss(z, t, weight=torch.zeros_like(w))
    assert zero.item() == 0


@pytest.mark.parametrize('name', registered_losses())
def test_bad_input_is_named(name):
    loss = build(name)
    z, t = batch()
    with pytest.raises(ValueError, match=f'{name}.*targets must be in'):
        loss(z, t * 2)
    with pytest.raises(ValueError, match=f'{name}.*must both be'):
        loss(z, t[:, :3])
    bad = z.clone()
    bad[0, 0] = float('nan')
    with pytest.raises(ValueError, match=f'{name}.*NaN'):
        loss(bad, t)
    with pytest.raises(ValueError, match='unknown_as'):
        build(name, unknown_as='guess')


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
@pytest.mark.parametrize('name', registered_losses())
def test_half_precision_logits_computed_in_float32(name, dtype):
    """Mixed-precision training (``--amp``, ``--bf16``) hands the losses
    half-precision scores: the loss is that of the same values in float32,
    to the bit."""
    z, t = batch(3)
    out = build(name)(z.to(dtype), t)
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, build(name)(z.to(dtype).float(), t),
                               rtol=0, atol=0)


def test_masked_bce_hand_values():
    loss = MaskedBCELoss(reduction='none')
    z = torch.tensor([[0., 2., -1.]])
    t = torch.tensor([[1., 0., -1.]])
    # unknown_as='negative' (default): -1 counts as a negative
    expected = [math.log(2), math.log(1 + math.e ** 2),
                math.log(1 + math.e ** -1)]
    torch.testing.assert_close(loss(z, t), torch.tensor([expected]))
    ignore = MaskedBCELoss(reduction='mean', unknown_as='ignore')
    torch.testing.assert_close(ignore(z, t),
                               torch.tensor(sum(expected[:2]) / 2))
    torch.testing.assert_close(
        MaskedBCELoss(reduction='sum')(z, t.clamp(min=0)),
        F.binary_cross_entropy_with_logits(z, t.clamp(min=0),
                                           reduction='sum'))


def test_masked_bce_gradcheck():
    z, t = batch()
    z.requires_grad_(True)
    assert torch.autograd.gradcheck(
        lambda x: MaskedBCELoss(unknown_as='ignore')(x, t).double(), (z, ))
