"""The functional form of every element-wise loss equals its module, and the
training state of SPLC and RLC lives in their ``state`` objects."""
import pytest
import torch

from mlc.models.losses import (
    CORRLoss,
    DistributionBalancedLoss,
    HillLoss,
    MaskedASLLoss,
    MaskedBCELoss,
    MaskedFocalLoss,
    MultiFocalModifierLoss,
    PRODENLoss,
    PUMixupConsistencyLoss,
    RLCLoss,
    RLCState,
    SPLCLoss,
    VPULoss,
    WANLoss,
    comic_class_stats,
    corr_loss,
    distribution_balanced_loss,
    hill_loss,
    masked_asl_loss,
    masked_bce_loss,
    masked_focal_loss,
    multi_focal_modifier_loss,
    proden_loss,
    pu_mixup_consistency_loss,
    rlc_loss,
    splc_loss,
    vpu_loss,
    wan_loss,
)
from mlc.models.losses.comic_class_stats import (
    frequency_weights,
    normalised_cooccurrence,
)
from mlc.models.losses.head_tail_balancer_loss import (
    HeadTailBalancerLoss,
    head_tail_balancer_loss,
)
from mlc.models.losses.mlc_loss_base import REDUCTIONS

B, C = 6, 5
COUNTS = [40., 20., 10., 5., 2.]
COOC = torch.arange(1., C * C + 1).reshape(C, C)
MFM_ARGS = dict(gamma_neg=3., clip=0.05, neg_gain=1.2)


def inputs(seed: int):
    """Random logits, {1, 0, -1} targets (every row with a positive) and
    (B,) and (B, C) weights."""
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(B, C, generator=g) * 3
    t = torch.randint(-1, 2, (B, C), generator=g).float()
    t[:, 0] = 1.
    return z, t, torch.rand(B, generator=g), torch.rand(B, C, generator=g)


# (module, functional with the same settings) pairs; each builder returns
# a fresh module (the stateful ones start from the same state)
CASES = {
    'bce': (lambda u: MaskedBCELoss(unknown_as=u),
            lambda u: dict(fn=masked_bce_loss, unknown_as=u)),
    'bce_eps': (lambda u: MaskedBCELoss(eps=1e-8, unknown_as=u),
                lambda u: dict(fn=masked_bce_loss, eps=1e-8, unknown_as=u)),
    'hill': (lambda u: HillLoss(lamb=1.4, unknown_as=u),
             lambda u: dict(fn=hill_loss, lamb=1.4, unknown_as=u)),
    'asl': (lambda u: MaskedASLLoss(unknown_as=u),
            lambda u: dict(fn=masked_asl_loss, unknown_as=u)),
    'asl_pos0': (lambda u: MaskedASLLoss(gamma_pos=0., detach_focal=False,
                                         unknown_as=u),
                 lambda u: dict(fn=masked_asl_loss, gamma_pos=0.,
                                detach_focal=False, unknown_as=u)),
    'focal': (lambda u: MaskedFocalLoss(gamma=2., unknown_as=u),
              lambda u: dict(fn=masked_focal_loss, gamma=2., unknown_as=u)),
    'wan': (lambda u: WANLoss(unknown_as=u),
            lambda u: dict(fn=wan_loss, unknown_as=u)),
    'wan_exact': (lambda u: WANLoss(eps=None, weak_weight=0.3,
                                    unknown_as=u),
                  lambda u: dict(fn=wan_loss, eps=None, weak_weight=0.3,
                                 unknown_as=u)),
    'db': (lambda u: DistributionBalancedLoss(class_freq=COUNTS,
                                              num_samples=100,
                                              unknown_as=u),
           lambda u: dict(fn=distribution_balanced_loss,
                          class_freq=torch.tensor(COUNTS, dtype=torch.float64),
                          num_samples=100., unknown_as=u)),
    'mfm': (lambda u: MultiFocalModifierLoss(class_freq=COUNTS,
                                             cooccurrence=COOC.numpy(),
                                             unknown_as=u, **MFM_ARGS),
            lambda u: dict(fn=multi_focal_modifier_loss,
                           class_weight=frequency_weights(
                               torch.tensor(COUNTS), 1. / 3),
                           cooc_norm=normalised_cooccurrence(COOC),
                           unknown_as=u, **MFM_ARGS)),
    'splc_before_change': (lambda u: splc_at(0, u),
                           lambda u: dict(fn=splc_loss, tau=0.55,
                                          correction=False, unknown_as=u)),
    'splc': (lambda u: splc_at(1, u),
             lambda u: dict(fn=splc_loss, tau=0.55, correct='non_positive',
                            unknown_as=u)),
    'rlc_stateless': (lambda u: RLCLoss(tau=0.5, unknown_as=u),
                      lambda u: dict(fn=rlc_loss, tau=0.5, unknown_as=u)),
    'rlc': (lambda u: RLCLoss(class_freq=COUNTS, tau=0.5,
                              threshold_mode='running', unknown_as=u),
            lambda u: dict(fn=rlc_loss, state=RLCState(C),
                           static_counts=torch.tensor(COUNTS).long(),
                           tau=0.5, threshold_mode='running',
                           unknown_as=u)),
}


def splc_at(epoch: int, unknown_as: str) -> SPLCLoss:
    loss = SPLCLoss(tau=0.55, correct='non_positive', unknown_as=unknown_as)
    loss.set_epoch(epoch)
    return loss


@pytest.mark.parametrize('name', sorted(CASES))
@pytest.mark.parametrize('unknown_as', ['default', 'ignore'])
def test_functional_equals_module(name, unknown_as):
    """Values and gradients bit-identical, for every reduction (and
    ``avg_factor``), without weights, with (B,) and with (B, C) weights."""
    for reduction in REDUCTIONS + ('mean_avg', ):
        for weighted in (None, 'sample', 'entry'):
            check_functional(name, unknown_as, reduction, weighted)


def check_functional(name, unknown_as, reduction, weighted):
    build_module, build_fn = CASES[name]
    module = build_module(None if unknown_as == 'default' else unknown_as)
    kwargs = build_fn(module.unknown_as)
    fn = kwargs.pop('fn')
    avg_factor = 7.5 if reduction == 'mean_avg' else None
    reduction = 'mean' if reduction == 'mean_avg' else reduction
    case = (name, unknown_as, reduction, weighted)
    for seed in range(2):  # stateful losses carry their state on
        z, t, w_sample, w_entry = inputs(seed)
        weight = dict(sample=w_sample, entry=w_entry).get(weighted)
        z_mod = z.clone().requires_grad_()
        z_fn = z.clone().requires_grad_()
        expected = module(z_mod, t, weight, avg_factor=avg_factor,
                          reduction_override=reduction)
        got = fn(z_fn, t, weight, reduction=reduction, avg_factor=avg_factor,
                 **kwargs)
        assert got.shape == expected.shape, case
        assert torch.equal(got, expected), (case, seed)
        expected.sum().backward()
        got.sum().backward()
        assert torch.equal(z_fn.grad, z_mod.grad), (case, seed)
    if 'state' in kwargs:
        for key, value in module.state.state_dict().items():
            assert torch.equal(kwargs['state'].state_dict()[key], value), case


def test_functional_half_precision_is_computed_in_float32():
    z, t, _, _ = inputs(0)
    out = hill_loss(z.half(), t.half())
    assert out.dtype == torch.float32
    assert torch.equal(out, HillLoss()(z.half(), t))


def test_splc_functional_returns_the_pseudo_positives():
    z = torch.tensor([[3., 0.5, -2.]])
    t = torch.tensor([[1., -1., -1.]])
    loss, pseudo = splc_loss(z, t, tau=0.6, return_pseudo=True)
    # sigmoid(0.5) = 0.62 > 0.6 on the unknown entry 1 only
    assert pseudo.tolist() == [[False, True, False]]
    _, none = splc_loss(z, t, correction=False, return_pseudo=True)
    assert none is None
    # an offset of 0.2 on class 1 lifts its threshold above 0.5
    _, shifted = splc_loss(z, t, tau=0.6, return_pseudo=True,
                           logit_offset=torch.tensor([0., 0.2, 0.]))
    assert not shifted.any()


def test_splc_state_is_set_through_public_methods():
    loss = SPLCLoss(tau=0.6)
    assert loss.epoch is None and loss.last_pseudo is None
    loss.set_epoch(1)
    assert loss.state.epoch == 1 and loss.epoch == 1
    loss(torch.tensor([[3., 0.5, -2.]]), torch.tensor([[1., -1., -1.]]))
    assert loss.last_pseudo.tolist() == [[False, True, False]]
    assert loss.num_pseudo.item() == 1
    # read-only: hooks cannot write the loss's state behind its back
    with pytest.raises(AttributeError):
        loss.last_pseudo = None
    loss.state.update(torch.tensor([[True, True]]), torch.tensor(2.))
    assert loss.num_pseudo.item() == 2
    assert loss.state_dict() == {}  # nothing checkpointed


def test_rlc_state_keeps_checkpoint_keys_and_loads_old_checkpoints():
    loss = RLCLoss(class_freq=COUNTS, threshold_mode='running')
    loss.set_epoch(2)
    assert loss.state.current_epoch == 2 and loss.current_epoch == 2
    z, t, _, _ = inputs(0)
    loss(z, t)
    assert loss.last_correction is loss.state.last_correction
    keys = ['state.counts', 'state.epoch', 'state.running_threshold',
            'state.num_updates']
    assert sorted(loss.state_dict()) == sorted(keys)
    # a checkpoint of the previous layout (the same keys) loads into a loss
    # whose class counts are not set yet
    old = {'state.counts': torch.tensor([41, 20, 10, 5, 2]),
           'state.epoch': torch.tensor(2),
           'state.running_threshold': torch.full((C, ), 0.25),
           'state.num_updates': torch.tensor(3)}
    fresh = RLCLoss()
    fresh.load_state_dict(old)
    for key, value in old.items():
        assert torch.equal(fresh.state_dict()[key], value)


def test_rlc_functional_without_state_is_pure():
    z, t, _, _ = inputs(1)
    first = rlc_loss(z, t, tau=0.5)
    assert torch.equal(first, rlc_loss(z, t, tau=0.5))
    with pytest.raises(ValueError, match='running'):
        rlc_loss(z, t, threshold_mode='running')


def test_head_tail_balancer_functional_equals_module():
    z, t, _, _ = inputs(2)
    zh, zt = z.flip(0), z.flip(1)
    module = HeadTailBalancerLoss(loss_weight=1.)
    z_mod = z.clone().requires_grad_()
    z_fn = z.clone().requires_grad_()
    expected, kappa = module(zh, zt, z_mod, t)
    got, kappa_fn = head_tail_balancer_loss(zh, zt, z_fn, t, module.loss)
    assert torch.equal(got, expected) and torch.equal(kappa_fn, kappa)
    expected.backward()
    got.backward()
    assert torch.equal(z_fn.grad, z_mod.grad)


def test_comic_count_reader_has_its_own_name():
    """The COMIC reader of ``distribution.txt`` counts is not confused with
    the Distribution-Balanced ``load_class_freq`` (another signature)."""
    assert not hasattr(comic_class_stats, 'load_class_freq')
    assert comic_class_stats.read_class_counts([3, 1]).tolist() == [3., 1.]


def confidences(seed: int) -> torch.Tensor:
    """(B, C) PLL confidence rows (zeros off the candidates)."""
    z, t, _, _ = inputs(seed)
    rows = (t >= 0).float() * torch.rand(B, C)
    return rows / rows.sum(1, keepdim=True)


def same_value_and_grad(module_call, fn_call, z: torch.Tensor) -> None:
    z_mod = z.clone().requires_grad_()
    z_fn = z.clone().requires_grad_()
    expected, got = module_call(z_mod), fn_call(z_fn)
    assert torch.equal(got, expected)
    expected.sum().backward()
    got.sum().backward()
    assert torch.equal(z_fn.grad, z_mod.grad)


@pytest.mark.parametrize('reduction', ['none', 'sum', 'mean', 'batchmean'])
def test_pll_and_pu_functionals_equal_their_modules(reduction):
    z, t, w_sample, w_entry = inputs(3)
    conf = confidences(3)
    same_value_and_grad(
        lambda x: PRODENLoss()(x, conf, w_sample,
                               reduction_override=reduction),
        lambda x: proden_loss(x, conf, w_sample, reduction), z)
    corr = CORRLoss(views=2, con_weight=0.7, ramp_epochs=4)
    same_value_and_grad(
        lambda x: corr([x, x.flip(0)], conf, w_sample, epoch=2,
                       reduction_override=reduction),
        lambda x: corr_loss([x, x.flip(0)], conf, w_sample, 0.7 * 2 / 4,
                            'all', reduction), z)
    soft = torch.sigmoid(z.flip(1))
    for weight in (None, w_sample, w_entry):
        same_value_and_grad(
            lambda x, w=weight: PUMixupConsistencyLoss()(
                x, soft, w, reduction_override=reduction),
            lambda x, w=weight: pu_mixup_consistency_loss(
                x, soft, w, reduction=reduction), z)
    if reduction in ('none', 'sum', 'mean'):
        vpu = VPULoss(negatives='exclude', stat_chunk=4)
        same_value_and_grad(
            lambda x: vpu(x, t, w_entry, reduction_override=reduction),
            lambda x: vpu_loss(x, t, w_entry, negatives='exclude',
                               stat_chunk=4, reduction=reduction)[0], z)
        expected = vpu.loss_and_stats(z, t, w_entry)[1]
        got = vpu_loss(z, t, w_entry, negatives='exclude', stat_chunk=4,
                       return_stats=True)[1]
        assert got.keys() == expected.keys()
        assert all(torch.equal(got[k], expected[k]) for k in got)
