"""CORR / RECORDS / PRODEN / SoLar formulas: hand-computed values,
gradcheck, invariants."""
import copy

import pytest
import torch
import torch.nn.functional as F
from _helpers import resnet_cifar
from mmpretrain.structures import DataSample

from mlc.models.heads.solar_head import select_reliable
from mlc.models.losses import CORRLoss, PRODENLoss
from mlc.models.utils.sinkhorn import sinkhorn
from mlc.utils import register_all_modules

T = torch.tensor


def test_corr_loss_hand_values():
    conf = T([[0.5, 0.5, 0.]])
    z_w, z_s = T([[1., 0., 0.]]), T([[0., 1., 0.]])
    torch.testing.assert_close(F.softmax(z_w, 1),
                               T([[0.576117, 0.211942, 0.211942]]),
                               atol=1e-6, rtol=0)
    sup, con = CORRLoss().terms([z_w, z_s], conf)
    torch.testing.assert_close(sup, T([0.476366]), atol=1e-6, rtol=0)
    torch.testing.assert_close(con, T([0.716595]), atol=1e-6, rtol=0)
    torch.testing.assert_close(CORRLoss()([z_w, z_s], conf), T(1.192961),
                               atol=1e-6, rtol=0)
    # batchmean: a duplicated row gives the same value; sum doubles it
    two = CORRLoss()([z_w.repeat(2, 1), z_s.repeat(2, 1)], conf.repeat(2, 1))
    torch.testing.assert_close(two, T(1.192961), atol=1e-6, rtol=0)
    total = CORRLoss(reduction='sum')([z_w.repeat(2, 1), z_s.repeat(2, 1)],
                                      conf.repeat(2, 1))
    torch.testing.assert_close(total, T(2 * 1.192961), atol=1e-5, rtol=0)


def test_corr_update_and_records_debiasing():
    z = T([[1., 0., 0.]])
    mask = T([[1., 1., 0.]])
    torch.testing.assert_close(CORRLoss.update_confidence([z, z], mask),
                               T([[0.731059, 0.268941, 0.]]), atol=1e-6,
                               rtol=0)
    prior = T([0.5, 0.25, 0.25])
    q = F.softmax(z - torch.log(prior + 1e-9), 1)
    torch.testing.assert_close(q, T([[0.404610, 0.297695, 0.297695]]),
                               atol=1e-6, rtol=0)
    rows = CORRLoss.update_confidence([z, z], mask, torch.log(prior + 1e-9))
    torch.testing.assert_close(rows, T([[0.576117, 0.423883, 0.]]),
                               atol=1e-6, rtol=0)
    # uniform prior and equal masks: RECORDS = CORR
    z2 = torch.randn(5, 4)
    z3 = torch.randn(5, 4)
    m = (torch.rand(5, 4) < 0.6).float()
    m[:, 0] = 1
    uniform = torch.log(torch.full((4, ), 0.25) + 1e-9)
    torch.testing.assert_close(
        CORRLoss.update_confidence([z2, z3], m, uniform),
        CORRLoss.update_confidence([z2, z3], m), atol=1e-6, rtol=0)


def test_lost_candidate_returns_only_with_initial_mask():
    """c = 0 on a candidate of S⁰: 'initial' gives it mass back."""
    conf = T([[1., 0., 0.]])
    init = T([[1., 1., 0.]])
    z = T([[0., 2., 0.]])
    current = CORRLoss.update_confidence([z, z], conf > 0)
    initial = CORRLoss.update_confidence([z, z], init)
    assert current[0, 1] == 0 and initial[0, 1] > 0.8


def test_three_view_variant_and_ramp():
    loss = CORRLoss(views=3, ramp_epochs=100)
    z = [torch.randn(4, 5) for _ in range(3)]
    conf = F.softmax(torch.randn(4, 5), 1) * (torch.rand(4, 5) < 0.5)
    conf[:, 0] += 0.1
    conf = conf / conf.sum(1, keepdim=True)
    sup, con = loss.terms(z, conf)
    neg = (conf == 0).float()
    expected_sup = (neg * -torch.log(1 - F.softmax(z[0], 1) + 1e-9)).sum(1)
    torch.testing.assert_close(sup, expected_sup)
    assert loss.con_lambda(50) == 0.5 and loss.con_lambda(300) == 1.
    torch.testing.assert_close(loss(z, conf, epoch=50),
                               (sup + 0.5 * con).mean())
    rows = CORRLoss.update_confidence(z, conf > 0)
    expected = (conf > 0) * (F.softmax(z[0], 1) * F.softmax(z[1], 1) *
                             F.softmax(z[2], 1)).pow(1 / 3)
    torch.testing.assert_close(rows, expected / expected.sum(1, keepdim=True))
    with pytest.raises(ValueError, match='expected 3 views'):
        loss.terms(z[:2], conf)


def test_corr_and_proden_gradcheck():
    conf = F.softmax(torch.randn(3, 4, dtype=torch.float64), 1)
    conf[0, 2] = 0
    conf = conf / conf.sum(1, keepdim=True)
    z = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: CORRLoss()(x, conf), (z, ))
    assert torch.autograd.gradcheck(lambda x: PRODENLoss()(x[:1], conf),
                                    (z, ))


def test_proden_loss_and_update():
    z = T([[1., 0., 0.]])
    conf = T([[0.5, 0.5, 0.]])
    expected = -(0.5 * torch.log(T(0.576117)) + 0.5 * torch.log(T(0.211942)))
    torch.testing.assert_close(PRODENLoss()([z], conf), expected, atol=1e-5,
                               rtol=0)
    torch.testing.assert_close(
        PRODENLoss.update_confidence([z], conf > 0),
        T([[0.731059, 0.268941, 0.]]), atol=1e-6, rtol=0)


def test_losses_reject_bad_targets():
    with pytest.raises(ValueError, match='CORRLoss'):
        CORRLoss()([torch.zeros(2, 3)] * 2, -torch.ones(2, 3))
    with pytest.raises(ValueError, match='PRODENLoss'):
        PRODENLoss()([torch.zeros(2, 3)], torch.ones(2, 4))


def test_sinkhorn_hand_values():
    plan = sinkhorn(T([[0.9, 0.1], [0.6, 0.4]], dtype=torch.float64),
                    T([0.5, 0.5], dtype=torch.float64), lam=1.)
    torch.testing.assert_close(
        plan, T([[0.710102, 0.289898], [0.289898, 0.710102]],
                dtype=torch.float64), atol=1e-6, rtol=0)
    gen = torch.Generator().manual_seed(0)
    cost = torch.rand(50, 6, generator=gen) * (
        torch.rand(50, 6, generator=gen) < 0.6)
    cost[:, 0] += 0.01
    prior = F.softmax(torch.randn(6, generator=gen), 0)
    plan = sinkhorn(cost.double(), prior.double(), lam=3.)
    torch.testing.assert_close(plan.sum(1), torch.ones(50).double(),
                               atol=1e-4, rtol=0)
    torch.testing.assert_close(plan.sum(0), 50 * prior.double(), atol=1e-3,
                               rtol=1e-3)
    assert (plan[cost == 0] == 0).all()


def test_solar_selection():
    plan = T([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    probs = T([[0.5, 0.5], [0.995, 0.005], [0.5, 0.5], [0.5, 0.5]])
    sl = T([0.5, 0.1, 0.3, 0.2])
    # class 0 has samples {0, 1, 3}: ceil(4 * 0.5 * 0.4) = 1 -> sample 1;
    # class 1 has {2}: kept (at least one); high-confidence sample 1 too
    chosen = select_reliable(plan, sl, probs, T([0.5, 0.5]), 0.4, 0.99)
    assert chosen.tolist() == [False, True, True, False]


def _tiny_pll_model(head):
    register_all_modules(init_default_scope=False)
    from mlc.registry import MODELS
    model = MODELS.build(dict(
        type='PLLClassifier',
        data_preprocessor=dict(type='MultiViewClsDataPreprocessor'),
        backbone=resnet_cifar(18, 8),
        neck=dict(type='GlobalAveragePooling'),
        head=head))
    cand = (torch.rand(16, 4) < 0.5).to(torch.uint8)
    cand[torch.arange(16), torch.arange(16) % 4] = 1
    model.state.initialize(cand, torch.full((4, ), 0.25), 32)
    return model


@pytest.mark.parametrize('head', [
    dict(type='PLLLinearHead', num_classes=4, in_channels=64,
         prior='records', debias_test=True, mixup=True),
    dict(type='PLLLinearHead', num_classes=4, in_channels=64,
         loss=dict(type='PRODENLoss'), prior='records'),
    dict(type='SoLarHead', num_classes=4, in_channels=64, queue_length=8,
         warmup_epochs=2),
], ids=['records-mixup', 'proden-records', 'solar'])
def test_true_label_permutation_changes_nothing(head):
    """Losses, gradients and state updates never read gt_label."""
    torch.manual_seed(0)
    model = _tiny_pll_model(head)
    model.train_epoch, model.train_iter = 1, 3
    views = [torch.randn(8, 3, 16, 16), torch.randn(8, 3, 16, 16)]
    views = views[:model.head.num_views]

    def run(model, labels):
        samples = [DataSample(metainfo=dict(sample_idx=i)).set_gt_label(int(y))
                   for i, y in enumerate(labels)]
        model.zero_grad()
        losses = model.loss(views, samples)
        total, _ = model.parse_losses(losses)
        total.backward()
        model.state.commit()
        return total.detach(), {n: p.grad.clone() for n, p in
                                model.named_parameters()
                                if p.grad is not None}

    twin = copy.deepcopy(model)
    labels = torch.arange(8) % 4
    a = run(model, labels)
    b = run(twin, labels.roll(1))
    assert torch.equal(a[0], b[0])
    for name, grad in a[1].items():
        assert torch.equal(grad, b[1][name]), name
    assert torch.equal(model.state.conf, twin.state.conf)


def test_records_feature_mean_and_mixup():
    torch.manual_seed(0)
    model = _tiny_pll_model(dict(type='PLLLinearHead', num_classes=4,
                                 in_channels=64, prior='records',
                                 debias_test=True, mixup=True))
    model.train_epoch = 0
    views = [torch.randn(6, 3, 16, 16), torch.randn(6, 3, 16, 16)]
    samples = [DataSample(metainfo=dict(sample_idx=i)) for i in range(6)]
    feats = []
    orig = model.forward_views

    def spy(inputs):
        out = orig(inputs)
        feats.append([f.detach() for f in out[1]])
        return out

    model.forward_views = spy
    losses = model.loss(views, samples)
    # zero-init feature mean: after one step phi_bar = 0.1 * u, u from the
    # un-mixed views only; mixed views exist but L_mix is off at epoch 0
    f = feats[0]
    assert len(f) == 4
    u = ((f[0] + f[1]) / 2).mean(0)
    assert losses['loss_mix'].detach().item() == 0.
    conf = model.state.conf.clone()
    model.state.commit()
    assert int(model.state.feat_count) == 1
    torch.testing.assert_close(model.state.feat_mean, 0.1 * u)
    assert torch.equal(model.state.conf, conf)  # upd_start = 1: no rows
    lam, _ = model.head.mixup_draw(model, 6)
    assert lam >= 0.5
    # test-time debiasing: logits - log(pi_hat)
    model.eval()
    with torch.no_grad():
        x = torch.randn(3, 3, 16, 16)
        logits = model.head(model.pooled_feat(x))
        pred = model.predict(x)
        prior = F.softmax(model.head.fc(model.state.feat_mean[None]), 1)[0]
        expected = F.softmax(logits - torch.log(prior + 1e-9), 1)
    torch.testing.assert_close(torch.stack([p.pred_score for p in pred]),
                               expected)
