"""Prior-adjusted pseudo-label thresholds."""
import math

import torch

from mlc.models.losses import RLCLoss, SPLCLoss
from mlc.models.utils.prior_threshold import PriorAdjustedThreshold


def logit(p):
    return math.log(p / (1 - p))


def test_ema_and_offsets():
    mod = PriorAdjustedThreshold(tau_d=1., momentum=0.9)
    z1 = torch.tensor([[logit(0.8), logit(0.2)], [logit(0.4), logit(0.2)]])
    mod.update(z1)  # first update = batch mean (0.6, 0.2)
    torch.testing.assert_close(mod.prior, torch.tensor([0.6, 0.2]))
    mod.update(torch.tensor([[logit(0.1), logit(0.1)]]))
    torch.testing.assert_close(mod.prior, torch.tensor([0.55, 0.19]))
    mean = (0.55 + 0.19) / 2
    torch.testing.assert_close(
        mod.offset(), torch.tensor([logit(0.55) - logit(mean),
                                    logit(0.19) - logit(mean)]))
    # state survives a checkpoint round trip into a fresh module
    fresh = PriorAdjustedThreshold(tau_d=1.)
    fresh.load_state_dict(mod.state_dict())
    torch.testing.assert_close(fresh.offset(), mod.offset())


def test_splc_rare_class_gets_pseudo_label_at_lower_logit():
    z = torch.tensor([[2.0, -3.0, 0.3], [2.0, -3.0, 0.3]])
    t = torch.tensor([[1., 0., -1.], [1., 0., -1.]])
    plain = SPLCLoss(tau=0.6, change_epoch=0)
    plain.set_epoch(0)
    plain(z, t)
    assert not plain.last_pseudo.any()   # sigmoid(0.3) = 0.574 < 0.6
    adjusted = SPLCLoss(tau=0.6, change_epoch=0,
                        prior_adjust=dict(tau_d=0.5))
    adjusted.set_epoch(0)
    adjusted.train()
    adjusted(z, t)
    # class 2's prior (0.57) is above the mean prior, so its threshold rises
    assert not adjusted.last_pseudo.any()
    z_rare = torch.tensor([[2.0, 0.3, -3.0]] * 2)
    t_rare = torch.tensor([[1., -1., 0.]] * 2)
    adjusted = SPLCLoss(tau=0.6, change_epoch=0,
                        prior_adjust=dict(tau_d=0.5))
    adjusted.set_epoch(0)
    adjusted.prior_adjust.update(torch.tensor([[2.0, -3.0, 0.]] * 4))
    adjusted.train()
    adjusted(z_rare, t_rare)
    assert adjusted.last_pseudo[:, 1].all()  # rare class 1: lower threshold
    # the loss value itself is unchanged where no correction differs
    off = SPLCLoss(tau=0.6, change_epoch=5)
    on = SPLCLoss(tau=0.6, change_epoch=5, prior_adjust=dict(tau_d=0.5))
    off.set_epoch(0)
    on.set_epoch(0)
    assert torch.equal(off(z, t), on(z, t))


def test_rlc_option_off_by_default_and_changes_only_the_absolute_test():
    assert RLCLoss().prior_adjust is None
    loss = RLCLoss(tau=0.6, prior_adjust=dict(tau_d=1.))
    loss.prior_adjust.update(torch.tensor([[3., -4., 3.]] * 4))
    loss.train()
    z = torch.tensor([[0.3, 0.3, 0.3], [-2., -2., -2.]])
    t = torch.full((2, 3), -1.)
    loss(z, t)
    # only the rare class 1 passes q > tau after adjustment (and q > mean)
    assert loss.last_correction.tolist() == [[False, True, False],
                                             [False, False, False]]


def test_prior_updated_by_training_calls_only():
    z = torch.tensor([[logit(0.8), logit(0.2)], [logit(0.4), logit(0.2)]])
    t = torch.full((2, 2), -1.)
    for loss in (RLCLoss(tau=0.6, prior_adjust=dict(tau_d=1.)),
                 SPLCLoss(tau=0.6, change_epoch=0,
                          prior_adjust=dict(tau_d=1.))):
        if isinstance(loss, SPLCLoss):
            loss.set_epoch(0)
        loss.eval()
        loss(z, t)
        assert int(loss.prior_adjust.num_updates) == 0
        loss.train()
        loss(z, t)
        assert int(loss.prior_adjust.num_updates) == 1
        torch.testing.assert_close(loss.prior_adjust.prior,
                                   torch.tensor([0.6, 0.2]))
    mod = PriorAdjustedThreshold(tau_d=1.)
    mod.eval()
    assert mod.step(z).numel() == 0  # no update, no offsets yet
    mod.train()
    torch.testing.assert_close(
        mod.step(z), torch.tensor([logit(0.6) - logit(0.4),
                                   logit(0.2) - logit(0.4)]))
