"""One home per concept in the losses: VPULoss runs through the base
forward of the multi-label losses, and the PLL losses share one
confidence-update protocol; both bit-identical to the formulas."""
import inspect

import pytest
import torch
import torch.nn.functional as F

from mlc.models.losses import (
    CORRLoss,
    MaskedBCELoss,
    PRODENLoss,
    VPULoss,
    vpu_loss,
)


def test_vpu_uses_the_base_forward():
    assert 'forward' not in vars(VPULoss)
    assert VPULoss.forward is MaskedBCELoss.forward


@pytest.mark.parametrize('loss_weight', [1., 0.3])
def test_vpu_forward_and_stats_are_the_functional_bit_for_bit(loss_weight):
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(8, 3, generator=gen)
    t = torch.randint(-1, 2, (8, 3), generator=gen).float()
    w = torch.rand(8, 3, generator=gen)
    loss = VPULoss(rebalance_gamma=0.5, negatives='exclude', stat_chunk=4,
                   loss_weight=loss_weight)
    ours = z.clone().requires_grad_(True)
    theirs = z.clone().requires_grad_(True)
    out = loss(ours, t, w)
    expected, stats = vpu_loss(theirs, t, w, 1., 0.5, 1e-4, 'exclude',
                               False, 4, 1e-10, 'sum', None,
                               return_stats=True)
    expected = loss_weight * expected
    assert torch.equal(out, expected)
    out.backward()
    expected.backward()
    assert torch.equal(ours.grad, theirs.grad)
    with_stats, got = loss.loss_and_stats(z, t, w)
    assert torch.equal(with_stats, expected.detach())
    assert got.keys() == stats.keys()
    assert all(torch.equal(got[k], stats[k]) for k in got)


def test_pll_losses_share_one_confidence_update():
    corr = inspect.getattr_static(CORRLoss, 'update_confidence')
    assert corr is inspect.getattr_static(PRODENLoss, 'update_confidence')


def _corr_rows(views, mask, log_prior=None):
    """Independent CORR / RECORDS update (the published order of ops)."""
    qs = [F.softmax(z.detach().float() - (0 if log_prior is None
                                          else log_prior), 1)
          for z in views]
    rows = mask.float()
    for q in qs:
        rows = rows * q
    if log_prior is not None:
        rows = rows / (rows.sum(1, keepdim=True) + 1e-9)
    rows = rows.pow(1. / len(qs))
    return rows / (rows.sum(1, keepdim=True) + 1e-9)


def test_confidence_updates_bit_for_bit_and_without_grad():
    gen = torch.Generator().manual_seed(1)
    views = [torch.randn(5, 4, generator=gen, requires_grad=True)
             for _ in range(2)]
    mask = torch.rand(5, 4, generator=gen) < 0.6
    mask[:, 0] = True
    log_prior = torch.log(torch.tensor([0.4, 0.3, 0.2, 0.1]) + 1e-9)
    for prior in (None, log_prior):
        rows = CORRLoss().update_confidence(views, mask, prior)
        assert not rows.requires_grad
        assert torch.equal(rows, _corr_rows(views, mask, prior))
        z = views[0].detach() - (0 if prior is None else prior)
        q = mask.float() * F.softmax(z, 1)
        expected = q / q.sum(1, keepdim=True).clamp_min(
            torch.finfo(q.dtype).tiny)
        assert torch.equal(PRODENLoss.update_confidence(views[:1], mask,
                                                        prior), expected)


def test_proden_update_reads_only_its_first_view():
    """PRODEN's rule uses the weak view only: the other views of the step
    are neither converted nor debiased (a placeholder there is never
    touched), and the rows equal those of the first view alone."""
    gen = torch.Generator().manual_seed(3)
    z = torch.randn(4, 3, generator=gen)
    mask = torch.ones(4, 3, dtype=torch.bool)
    prior = torch.log(torch.tensor([0.5, 0.3, 0.2]))
    assert torch.equal(PRODENLoss.update_confidence([z, None], mask, prior),
                       PRODENLoss.update_confidence([z], mask, prior))
