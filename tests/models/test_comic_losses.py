"""COMIC losses: hand-computed values and gradchecks of the multi-focal
modifier (MFM), RLC and the head-tail balancer (HTB)."""
import torch

from mlc.models.losses import (
    HeadTailBalancerLoss,
    MultiFocalModifierLoss,
    RLCLoss,
)
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)

MFM_STATS = dict(class_freq=[100, 10], cooccurrence=[[100, 5], [5, 10]])


def test_mfm_hand_computed_values():
    loss = MultiFocalModifierLoss(**MFM_STATS, reduction='none')
    torch.testing.assert_close(loss.class_weight,
                               torch.tensor([1., 1.489194]))
    torch.testing.assert_close(
        loss.cooc_norm, torch.tensor([[0.952381, 0.333333],
                                      [0.047619, 0.666667]]))
    y = torch.tensor([[1., 0.]])
    torch.testing.assert_close(loss.cooccurrence_prior(y),
                               torch.tensor([[0.740741, 0.259259]]))
    out = loss(torch.tensor([[1.0, 0.5]]), y)
    torch.testing.assert_close(out, torch.tensor([[1.663188, 0.039300]]))
    total = MultiFocalModifierLoss(**MFM_STATS)(torch.tensor([[1.0, 0.5]]),
                                                y)
    torch.testing.assert_close(total, torch.tensor(1.702488))
    no_prior = MultiFocalModifierLoss(**MFM_STATS, use_cooccurrence=False,
                                      reduction='none')
    torch.testing.assert_close(no_prior(torch.tensor([[1.0, 0.5]]), y),
                               torch.tensor([[0.313262, 0.103443]]))


def test_mfm_empty_sample_finite_and_ignore_masks_unknowns():
    loss = MultiFocalModifierLoss(**MFM_STATS, reduction='none')
    out = loss(torch.tensor([[1.0, 0.5]]), torch.tensor([[0., 0.]]))
    assert torch.isfinite(out).all()
    # no positive: prior 0, so only the plain negative terms remain
    p = torch.sigmoid(torch.tensor([1.0, 0.5]))
    p_neg = 1 - p + 0.05
    w = torch.tensor([1., 1.489194])
    expected = -w * (1 - p_neg).pow(3 + w) * torch.log(p_neg)
    torch.testing.assert_close(out[0], expected)
    ign = MultiFocalModifierLoss(**MFM_STATS, reduction='none',
                                 unknown_as='ignore')
    out = ign(torch.tensor([[1.0, 0.5]]), torch.tensor([[1., -1.]]))
    assert out[0, 1] == 0 and out[0, 0] > 0


def test_mfm_gradcheck_float64_and_detached_focal_factor():
    gen = torch.Generator().manual_seed(0)
    stats = dict(class_freq=[50, 20, 5, 1],
                 cooccurrence=torch.rand(4, 4, generator=gen) * 10)
    z = (torch.rand(5, 4, generator=gen, dtype=torch.float64) * 3 - 1.5)
    t = torch.tensor([[1, 0, -1, 0], [0, 0, 0, 0], [1, 1, -1, 0],
                      [-1, -1, 1, 0], [0, 1, 0, 1]], dtype=torch.float64)
    z.requires_grad_(True)
    # without focal exponents every path is differentiable: exact gradcheck
    # of the prior, the clip, the negative gain and the logs
    plain = MultiFocalModifierLoss(**stats, gamma_pos=0., gamma_neg=0.,
                                   use_class_weight=False)
    assert torch.autograd.gradcheck(lambda x: plain(x, t), (z, ))
    # the full loss is w · F · (plain entry) with F = (1 - pt)^γ detached
    full = MultiFocalModifierLoss(**stats, reduction='none')
    grad_full, = torch.autograd.grad(full(z, t).sum(), z)
    entry = MultiFocalModifierLoss(**stats, gamma_pos=0., gamma_neg=0.,
                                   use_class_weight=False, reduction='none')
    grad_plain, = torch.autograd.grad(entry(z, t).sum(), z)
    with torch.no_grad():
        ratio = full(z, t) / entry(z, t)
    torch.testing.assert_close(grad_full, ratio * grad_plain)


def rlc_case():
    z = torch.tensor([[3., 2.5], [0., -1.]])
    t = torch.tensor([[1., -1.], [-1., -1.]])
    return z, t


def test_rlc_hand_computed_values_and_dynamic_counts():
    loss = RLCLoss(class_freq=[100, 10], reduction='none')
    loss.set_epoch(0)
    z, t = rlc_case()
    out = loss(z, t)
    torch.testing.assert_close(out, torch.tensor([[0.126928, 0.095802],
                                                  [0.024515, 0.000498]]),
                               atol=2e-6, rtol=1e-5)
    assert loss.last_correction.tolist() == [[False, True], [False, False]]
    assert loss.state.counts.tolist() == [100, 11]
    total = RLCLoss(class_freq=[100, 10])
    total.set_epoch(0)
    torch.testing.assert_close(total(z, t), torch.tensor(0.247743))
    # a second call in the same epoch starts from D = (100, 11)
    loss(z, t)
    assert loss.state.counts.tolist() == [100, 12]
    # the first call of the next epoch starts from n = (100, 10)
    loss.set_epoch(1)
    loss(z, t)
    assert loss.state.counts.tolist() == [100, 11]


def test_rlc_normaliser_start_epoch_and_correct_modes():
    z, t = rlc_case()
    # two observed positives in the batch but B = 4 → factor 4 / N⁺
    z4, t4 = torch.cat([z, z]), torch.cat([t, t])
    a = RLCLoss(class_freq=[100, 10], reduction='none')
    a.set_epoch(0)
    out = a(z4, t4)
    # N⁺ = 4 after correction; entries equal the B = 2 case
    torch.testing.assert_close(out[:2], torch.tensor(
        [[0.126928, 0.095802], [0.024515, 0.000498]]), atol=1e-3, rtol=1e-2)
    late = RLCLoss(class_freq=[100, 10], start_epoch=2)
    late.set_epoch(1)
    assert late(z, t).item() == 0
    assert not late.last_correction.any()
    # observed negatives are corrected only with correct='non_positive'
    t_neg = torch.tensor([[1., 0.], [0., 0.]])
    only_unknown = RLCLoss(class_freq=[100, 10])
    only_unknown.set_epoch(0)
    only_unknown(z, t_neg)
    assert not only_unknown.last_correction.any()
    non_pos = RLCLoss(class_freq=[100, 10], correct='non_positive')
    non_pos.set_epoch(0)
    non_pos(z, t_neg)
    assert non_pos.last_correction.tolist() == [[False, True],
                                                [False, False]]


def test_rlc_running_threshold_and_gradcheck():
    z, t = rlc_case()
    run = RLCLoss(class_freq=[100, 10], threshold_mode='running')
    run.set_epoch(0)
    run(z, t)
    first = torch.sigmoid(z - t.clamp(min=0)).mean(0)
    torch.testing.assert_close(run.state.running_threshold, first)
    run(z + 1, t)
    second = torch.sigmoid(z + 1 - t.clamp(min=0)).mean(0)
    torch.testing.assert_close(run.state.running_threshold,
                               0.9 * first + 0.1 * second)
    # ŵ = 1 (exponent 0) and γ = 0 (γ⁻ = -1): no detached factor left,
    # so the margin, clip, normaliser and logs are checked exactly
    loss = RLCLoss(class_freq=[100, 10, 3], weight_exponent=0.,
                   gamma_neg=-1.)
    loss.set_epoch(0)
    gen = torch.Generator().manual_seed(1)
    x = torch.rand(4, 3, generator=gen, dtype=torch.float64) * 4 - 2
    tt = torch.tensor([[1, -1, -1], [-1, -1, 0], [-1, 1, -1], [0, -1, -1]],
                      dtype=torch.float64)
    x.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda inp: loss(inp, tt), (x, ))


def test_htb_kappa_and_stop_gradient():
    kh, kt = HeadTailBalancerLoss.balance_factors(torch.tensor(1.),
                                                  torch.tensor(2.), 2.)
    torch.testing.assert_close((kh, kt), (torch.tensor(.2), torch.tensor(.8)))
    htb = HeadTailBalancerLoss(loss=dict(type='MultiFocalModifierLoss',
                                         **MFM_STATS))
    gen = torch.Generator().manual_seed(0)
    zh, zt, zb = (torch.randn(3, 2, generator=gen, requires_grad=True)
                  for _ in range(3))
    target = torch.tensor([[1., 0.], [0., -1.], [1., 1.]])
    loss, kappa = htb(zh, zt, zb, target)
    loss.backward()
    assert zh.grad is None or (zh.grad == 0).all()
    assert zt.grad is None or (zt.grad == 0).all()
    assert (zb.grad != 0).any()
    # κ from the branch losses, and the product enters MFM as logits
    mfm = htb.loss
    lh, lt = mfm(zh.detach(), target), mfm(zt.detach(), target)
    k = lh**2 / (lh**2 + lt**2)
    pb = zb.detach().softmax(1)
    expected = (k * mfm(zh.detach().softmax(1) * pb, target) +
                (1 - k) * mfm(zt.detach().softmax(1) * pb, target))
    torch.testing.assert_close(kappa, k)
    torch.testing.assert_close(loss.detach(), expected)
