"""Hill, SPLC, ASL, Focal and WAN losses."""
import math

import pytest
import torch
from mmengine.model import BaseModel
from mmpretrain.models.losses import AsymmetricLoss
from mmpretrain.structures import DataSample

from mlc.models.heads import MLCLinearHead
from mlc.models.losses import (
    HillLoss,
    MaskedASLLoss,
    MaskedBCELoss,
    MaskedFocalLoss,
    SPLCLoss,
    WANLoss,
)
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)

LOSSES = {
    'HillLoss': HillLoss, 'SPLCLoss': SPLCLoss, 'MaskedASLLoss': MaskedASLLoss,
    'MaskedFocalLoss': MaskedFocalLoss, 'WANLoss': WANLoss,
}


def row(*values):
    return torch.tensor([values], dtype=torch.float64)


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def batch(seed=0, b=5, c=6):
    gen = torch.Generator().manual_seed(seed)
    z = 2 * torch.randn(b, c, generator=gen, dtype=torch.float64)
    t = torch.randint(-1, 2, (b, c), generator=gen).double()
    return z, t


# --- Hill ---------------------------------------------------------------
def test_hill_hand_values():
    out = HillLoss(reduction='none')(row(0., 2., -1.), row(1., 0., 0.))
    torch.testing.assert_close(out, row(0.701868, 0.480380, 0.089042),
                               atol=1e-6, rtol=0)
    total = HillLoss()(row(0., 2., -1.), row(1., 0., 0.))
    assert abs(total.item() - 1.271290) < 1e-6  # default reduction 'sum'


def test_hill_negative_term_and_gradient():
    loss = HillLoss(reduction='none')
    # l-(p) at p = 0.5 (z = 0) is 0.25; at p -> 1 it is lamb - 1 = 0.5
    assert abs(loss(row(0.), row(0.)).item() - 0.25) < 1e-12
    assert abs(loss(row(40.), row(0.)).item() - 0.5) < 1e-12
    z = row(2.).requires_grad_(True)
    loss(z, row(0.)).sum().backward()
    p = sigmoid(2.)
    analytic = p ** 2 * (1 - p) * (2 * 1.5 - 3 * p)
    assert abs(analytic - 0.033071) < 1e-6
    assert abs(z.grad.item() - analytic) < 1e-10


def test_hill_positive_focal_weight_not_detached():
    z = row(0.3).requires_grad_(True)
    HillLoss()(z, row(1.)).backward()
    zm = torch.tensor(0.3 - 1., dtype=torch.float64, requires_grad=True)
    (-(1 - torch.sigmoid(zm)) ** 2 * torch.log(torch.sigmoid(zm))).backward()
    torch.testing.assert_close(z.grad[0, 0], zm.grad)


# --- SPLC ---------------------------------------------------------------
def test_splc_hand_values_and_change_epoch():
    z, t = row(3., 0.5, -2.), row(1., -1., -1.)
    loss = SPLCLoss(tau=0.6, reduction='none')
    loss.set_epoch(0)
    torch.testing.assert_close(loss(z, t), row(0.001804, 0.377412, 0.001804),
                               atol=1e-6, rtol=0)
    assert abs(loss(z, t).sum().item() - 0.381019) < 1e-6
    assert loss.num_pseudo.item() == 0
    loss.set_epoch(1)  # change_epoch=1 is the second (0-based) epoch
    torch.testing.assert_close(loss(z, t), row(0.001804, 0.067573, 0.001804),
                               atol=1e-6, rtol=0)
    assert abs(loss(z, t).sum().item() - 0.071181) < 1e-6
    assert loss.num_pseudo.item() == 1
    assert loss.diagnostics()['splc_num_pseudo'].item() == 1


def test_splc_correct_modes():
    z, t = row(3., 0.5, -2.), row(1., 0., -1.)  # entry 1 observed negative
    only = SPLCLoss(correct='unknown_only')
    only.set_epoch(0)
    before = only(z, t)
    only.set_epoch(5)
    torch.testing.assert_close(only(z, t), before)
    anyone = SPLCLoss(correct='non_positive')
    anyone.set_epoch(1)
    assert abs(anyone(z, t).item() - 0.071181) < 1e-6
    with pytest.raises(ValueError, match='SPLCLoss: correct'):
        SPLCLoss(correct='all')


def test_focal_margin_never_corrects():
    z, t = row(3., 0.5, -2.), row(1., -1., -1.)
    loss = SPLCLoss(correction=False)
    loss.set_epoch(10)
    assert abs(loss(z, t).item() - 0.381019) < 1e-6
    assert loss.num_pseudo.item() == 0


def test_splc_ignore_counts_no_pseudo_on_ignored():
    loss = SPLCLoss(unknown_as='ignore', reduction='none')
    loss.set_epoch(3)
    out = loss(row(3., 0.5, -2.), row(1., -1., -1.))
    assert out[0, 1] == 0 and out[0, 2] == 0
    assert loss.num_pseudo.item() == 0


def test_splc_warns_without_epoch():
    loss = SPLCLoss()
    loss(row(3., 0.5, -2.), row(1., -1., -1.))
    assert loss._warned and loss.num_pseudo.item() == 0
    hooked = SPLCLoss()
    hooked.set_epoch(0)
    hooked(row(3., 0.5, -2.), row(1., -1., -1.))
    assert not hooked._warned


# --- ASL / Focal / BCE / WAN ---------------------------------------------
def test_asl_hand_values():
    loss = MaskedASLLoss(gamma_pos=0., gamma_neg=4., clip=0.05,
                         reduction='none')
    torch.testing.assert_close(loss(row(1., 0.), row(1., 0.)),
                               row(0.313262, 0.024515), atol=1e-6, rtol=0)
    assert abs(loss(row(1., 0.), row(1., 0.)).sum().item() - 0.337777) < 1e-6


@pytest.mark.parametrize('detach', [True, False])
def test_asl_equals_mmpretrain_asymmetric_loss(detach):
    gen = torch.Generator().manual_seed(0)
    z = (3 * torch.randn(8, 7, generator=gen)).double()
    y = (torch.rand(8, 7, generator=gen) < 0.4).double()
    kw = dict(gamma_pos=0., gamma_neg=4., clip=0.05, reduction='sum')
    ours_z, ref_z = z.clone().requires_grad_(), z.clone().requires_grad_()
    ours = MaskedASLLoss(detach_focal=detach, **kw)(ours_z, y)
    ref = AsymmetricLoss(**kw)(ref_z, y)
    torch.testing.assert_close(ours, ref)
    ours.backward()
    ref.backward()
    if detach:  # mmpretrain keeps the focal factor in the graph
        assert not torch.allclose(ours_z.grad, ref_z.grad)
    else:
        torch.testing.assert_close(ours_z.grad, ref_z.grad)


def test_asl_focal_weights_detached_with_detach():
    # detached: d/dz of -(p_m^4).detach() * log(1 - p_m) on a negative
    z = row(1.).requires_grad_(True)
    MaskedASLLoss(gamma_neg=4., clip=0.05)(z, row(0.)).backward()
    p = sigmoid(1.)
    pm = p - 0.05
    assert abs(z.grad.item() - pm ** 4 * p * (1 - p) / (1 - pm)) < 1e-12
    with torch.no_grad():  # never re-enables grad inside no_grad (ASL bug)
        out = MaskedASLLoss()(row(1.).requires_grad_(True), row(0.))
    assert not out.requires_grad


def test_focal_and_bce_hand_values():
    assert abs(MaskedFocalLoss()(row(0.), row(1.)).item() - 0.173287) < 1e-6
    bce = MaskedBCELoss(reduction='none')(row(0., 0.), row(1., 0.))
    torch.testing.assert_close(bce, row(0.693147, 0.693147), atol=1e-6,
                               rtol=0)
    # detached focal weight: grad = -(1 - p)^2 (1 - p) = -1/8 at z = 0
    z = row(0.).requires_grad_(True)
    MaskedFocalLoss()(z, row(1.)).backward()
    assert abs(z.grad.item() + 0.125) < 1e-12


def test_wan_hand_values_and_modes():
    z, t = row(0., 0., 0., 0.), row(1., -1., -1., -1.)
    exact = dict(eps=None, reduction='sum')  # the exact summed form
    assert abs(WANLoss(**exact)(z, t).item() - 1.386294) < 1e-6
    assert abs(WANLoss(unknown_as='negative', **exact)(z, t).item() -
               4 * math.log(2)) < 1e-12
    assert abs(WANLoss(weak_weight=0.5, **exact)(z, t).item() -
               2.5 * math.log(2)) < 1e-12
    # observed negatives keep weight 1
    assert abs(WANLoss(**exact)(z, row(1., 0., -1., -1.)).item() -
               (2 + 2 / 3) * math.log(2)) < 1e-12
    # defaults: the authors' -log(p_t + 1e-5), mean over B x C = 4 entries
    assert abs(WANLoss()(z, t).item() -
               2 * -math.log(0.5 + 1e-5) / 4) < 1e-12
    with pytest.raises(ValueError, match='C >= 2'):
        WANLoss()(row(0.), row(-1.))
    with pytest.raises(ValueError, match='WANLoss: eps'):
        WANLoss(eps=0.)


def authors_wan(z, t):
    """``loss_wan`` of Cole et al. (single positive labels, CVPR 2021) with
    their B x C mean; unknowns (-1 here) are their unobserved 0 entries."""
    preds = torch.sigmoid(z)
    num_classes = z.shape[1]
    loss_mtx = torch.zeros_like(z)
    pos, unk = t == 1, t == -1
    loss_mtx[pos] = -torch.log(preds[pos] + 1e-5)
    loss_mtx[unk] = -torch.log(1.0 - preds[unk] + 1e-5) / (num_classes - 1)
    return (loss_mtx / (z.shape[0] * num_classes)).sum()


def authors_bce(z, y, eps=1e-8):
    """The Hill/SPLC code's BCE: ``AsymmetricLoss(0, 0, clip=0)``."""
    p = torch.sigmoid(z)
    return -(y * torch.log(p.clamp(min=eps)) +
             (1 - y) * torch.log((1 - p).clamp(min=eps))).sum()


@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_wan_defaults_equal_the_authors_loss(dtype):
    gen = torch.Generator().manual_seed(3)
    # single-positive rows, logits out to the eps regime (|z| > 11.5)
    z = (8 * torch.randn(6, 5, generator=gen)).to(dtype)
    z[0, :2] = torch.tensor([-25., 25.])
    t = -torch.ones(6, 5, dtype=dtype)
    t[torch.arange(6), torch.randint(0, 5, (6, ), generator=gen)] = 1
    t[0, 0] = 1
    z1, z2 = z.clone().requires_grad_(True), z.clone().requires_grad_(True)
    ours, ref = WANLoss()(z1, t), authors_wan(z2, t)
    torch.testing.assert_close(ours, ref)
    ours.backward()
    ref.backward()
    torch.testing.assert_close(z1.grad, z2.grad)
    # the exact log is not capped: entry (0, 0) alone gives 25 / (B x C)
    assert WANLoss(eps=None)(z, t) > ref + 10 / 30


@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_bce_eps_equals_the_authors_bce(dtype):
    gen = torch.Generator().manual_seed(4)
    z = (10 * torch.randn(6, 5, generator=gen)).to(dtype)
    z[0, :2] = torch.tensor([-30., 30.])
    y = (torch.rand(6, 5, generator=gen) < 0.4).to(dtype)
    y[0, :2] = torch.tensor([1., 0.])  # both capped: p < 1e-8, 1 - p < 1e-8
    z1, z2 = z.clone().requires_grad_(True), z.clone().requires_grad_(True)
    ours = MaskedBCELoss(eps=1e-8, reduction='sum')(z1, y)
    ref = authors_bce(z2, y)
    torch.testing.assert_close(ours, ref)
    ours.backward()
    ref.backward()
    torch.testing.assert_close(z1.grad, z2.grad)
    per_entry = MaskedBCELoss(eps=1e-8, reduction='none')(z, y)
    torch.testing.assert_close(per_entry[0, :2],
                               torch.full((2, ), -math.log(1e-8), dtype=dtype))
    assert (z1.grad[0, :2] == 0).all()  # no gradient where capped
    # the default stays the exact, uncapped BCE
    exact = MaskedBCELoss(reduction='none')(z, y)
    torch.testing.assert_close(exact[0, :2],
                               torch.full((2, ), 30., dtype=dtype))
    with pytest.raises(ValueError, match='MaskedBCELoss: eps'):
        MaskedBCELoss(eps=1.)


@pytest.mark.parametrize('name', sorted(LOSSES))
def test_unknown_as_negative_equals_explicit_zero(name):
    z, t = batch(4)
    if name == 'WANLoss':
        loss = LOSSES[name](unknown_as='negative')
    else:
        loss = LOSSES[name]()  # paper default: unknowns are negatives
        assert loss.unknown_as == 'negative'
    if name == 'SPLCLoss':
        loss.set_epoch(0)
    torch.testing.assert_close(loss(z, t), loss(z, t.clamp(min=0)))
    ignore = LOSSES[name](unknown_as='ignore', reduction='none')
    out = ignore(z, t)
    assert (out[t == -1] == 0).all()
    full = LOSSES[name](unknown_as='ignore', reduction='none')(
        z, t.clamp(min=0))
    known = t != -1
    if name != 'SPLCLoss':
        torch.testing.assert_close(out[known], full[known])


@pytest.mark.parametrize('name', sorted(LOSSES))
@pytest.mark.parametrize('unknown_as', ['ignore', None])
def test_gradcheck_float64(name, unknown_as):
    z, t = batch(5)
    # detached focal weights are not the derivative of the forward: check
    # the undetached graph here, the detached gradient by hand above
    kwargs = dict(detach_focal=False) if 'detach_focal' in (
        LOSSES[name].__init__.__code__.co_varnames) else {}
    loss = LOSSES[name](unknown_as=unknown_as, **kwargs)
    if name == 'SPLCLoss':
        loss.set_epoch(1)
    z.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda x: loss(x, t), (z, ))


@pytest.mark.parametrize('name', sorted(LOSSES))
def test_paper_default_reduction_and_batchmean(name):
    z, t = batch(6)
    loss = LOSSES[name]()
    # Cole et al.'s WAN averages over B x C; the Hill/SPLC code sums
    assert loss.reduction == ('mean' if name == 'WANLoss' else 'sum')
    loss = LOSSES[name](reduction='sum')
    torch.testing.assert_close(loss(z, t, reduction_override='batchmean'),
                               loss(z, t) / z.shape[0])


# --- through the head: gt_clean permutation, diagnostics -------------------
def samples(t, clean):
    out = []
    for i in range(len(t)):
        sample = DataSample().set_gt_score(t[i])
        sample.set_field(clean[i], 'gt_clean')
        out.append(sample)
    return out


@pytest.mark.parametrize('name', sorted(LOSSES))
def test_gt_clean_permutation_changes_nothing(name):
    torch.manual_seed(0)
    head = MLCLinearHead(num_classes=6, in_channels=8,
                         loss=MODELS.build(dict(type=name)))
    if name == 'SPLCLoss':
        head.loss_module.set_epoch(1)
    feats = torch.randn(5, 8)
    _, t = batch(7)
    t = t.float()
    clean = (torch.rand(5, 6) < 0.5).float()
    results = []
    for gt_clean in (clean, clean[torch.tensor([4, 2, 0, 3, 1])],
                     1 - clean):
        head.zero_grad()
        losses = head.loss((feats, ), samples(t, gt_clean))
        losses['loss'].backward()
        results.append((losses, head.fc.weight.grad.clone()))
    for losses, grad in results[1:]:
        assert torch.equal(losses['loss'], results[0][0]['loss'])
        assert torch.equal(grad, results[0][1])


def test_splc_diagnostic_is_logged_not_summed():
    torch.manual_seed(0)
    head = MLCLinearHead(num_classes=6, in_channels=8,
                         loss=MODELS.build(dict(type='SPLCLoss', tau=0.5)))
    head.loss_module.set_epoch(1)
    _, t = batch(8)
    losses = head.loss((3 * torch.randn(5, 8), ),
                       samples(t.float(), torch.zeros(5, 6)))
    assert set(losses) == {'loss', 'splc_num_pseudo'}
    assert not losses['splc_num_pseudo'].requires_grad
    assert losses['splc_num_pseudo'].item() > 0
    total, log_vars = BaseModel.parse_losses(None, losses)
    torch.testing.assert_close(total, losses['loss'])
    assert log_vars['splc_num_pseudo'] == losses['splc_num_pseudo'].item()
