"""Linear partial-label head: CORR / PRODEN, ± RECORDS or Oracle-LA."""
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.structures import DataSample

from mlc.registry import MODELS
from mlc.utils.dist import all_reduce_sum

PRIOR_EPS = 1e-9


@MODELS.register_module()
class PLLLinearHead(BaseModule):
    """Linear classifier z = Wφ + b with the PLL training step.

    Used inside :class:`PLLClassifier`, whose ``state`` holds the confidence
    table. One training step:

    1. logits of all views from one forward (plus the mixed views with
       ``mixup``); c = Conf[idx];
    2. loss = ``loss`` (``CORRLoss`` or ``PRODENLoss``) on the raw logits;
    3. φ̄ ← m·φ̄ + (1 − m)·u, u = global batch mean of the views' pooled
       features (zero init: φ̄ = (1 − m)·u after the first step);
    4. from ``upd_start``: new rows c ∝ mask ⊙ … from the detached logits,
       debiased by log π̂ where ``prior`` is set: ``'records'``
       π̂ = softmax(W φ̄ + b) with the current head, ``'oracle'`` the true
       training class frequencies (Oracle-LA);
    5. rows and φ̄ are committed after the optimiser step by
       ``ConfidenceUpdateHook``.

    Test: argmax of z − log(π̂ + 1e-9) when ``debias_test`` (else raw z).

    Args:
        num_classes (int): C.
        in_channels (int): Feature dimension d.
        loss (dict): ``CORRLoss`` (default) or ``PRODENLoss``.
        prior (str, optional): None (CORR/PRODEN), ``'records'`` or
            ``'oracle'``.
        momentum (float): m of the feature mean (RECORDS 0.9).
        debias_test (bool): Subtract log π̂ at test (needs ``prior``).
        upd_start (int): First epoch of confidence updates (epoch 0 trains on
            uniform confidences).
        update_mask (str, optional): ``'initial'`` (S⁰: lost candidates can
            come back) or ``'current'`` (c > 0). None = the code's choice:
            ``'initial'`` for CORR with a prior, else ``'current'``.
        oracle_in_loss (bool): Oracle-LA variant adding log π to the logits
            inside the loss (logit-adjusted loss) instead of debiasing the
            update [unverified form].
        mixup (bool): RECORDS mixup variant (needs ``CORRLoss``).
        mixup_alpha (float): Beta(α, α) of λ (λ ← max(λ, 1 − λ)).
        mixup_weight (float): Weight of the mixed-view loss (``--alpha``).
        init_cfg (dict): Initialisation of ``fc``.
    """

    #: rows of the state's queue (SoLar's FIFO; none here)
    queue_length = 0

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss: Dict = dict(type='CORRLoss'),
                 prior: Optional[str] = None,
                 momentum: float = 0.9,
                 debias_test: bool = False,
                 upd_start: int = 1,
                 update_mask: Optional[str] = None,
                 oracle_in_loss: bool = False,
                 mixup: bool = False,
                 mixup_alpha: float = 4.,
                 mixup_weight: float = 1.,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if prior not in (None, 'records', 'oracle'):
            raise ValueError("PLLLinearHead: prior must be None, 'records' "
                             f"or 'oracle', got {prior!r}")
        if debias_test and prior is None:
            raise ValueError('PLLLinearHead: debias_test needs a prior')
        self.num_classes, self.in_channels = num_classes, in_channels
        self.fc = nn.Linear(in_channels, num_classes)
        self.loss_module = MODELS.build(loss)
        self.num_views = getattr(self.loss_module, 'views', 2)
        if mixup and self.num_views != 2:
            raise ValueError('PLLLinearHead: mixup is the RECORDS 2-view '
                             'variant (CORRLoss with views=2)')
        if update_mask is None:
            update_mask = 'initial' if (
                prior is not None and self.num_views > 1) else 'current'
        if update_mask not in ('initial', 'current'):
            raise ValueError("PLLLinearHead: update_mask must be 'initial' "
                             f"or 'current', got {update_mask!r}")
        self.prior, self.momentum = prior, momentum
        self.debias_test, self.upd_start = debias_test, upd_start
        self.update_mask, self.oracle_in_loss = update_mask, oracle_in_loss
        self.mixup, self.mixup_alpha = mixup, mixup_alpha
        self.mixup_weight = mixup_weight

    def forward(self, feats) -> torch.Tensor:
        """(B, C) logits of the pooled features (last of a tuple)."""
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        return self.fc(feats)

    # ------------------------------------------------------------- priors
    def estimated_prior(self, feat_mean: torch.Tensor) -> torch.Tensor:
        """π̂ = softmax(W φ̄ + b) (detached), (C,)."""
        with torch.no_grad():
            return F.softmax(self.fc(feat_mean.to(self.fc.weight)[None]),
                             1)[0].float()

    def prior_estimate(self, state) -> Optional[torch.Tensor]:
        """(C,) the current class-prior estimate π̂ from the feature mean
        (logging), or None before the first update."""
        if state.feat_mean.numel() == 0:
            return None
        return self.estimated_prior(state.feat_mean)

    def test_log_prior(self, state) -> Optional[torch.Tensor]:
        """log(π̂ + 1e-9) used at test, or None."""
        if not self.debias_test:
            return None
        if self.prior == 'oracle':
            return torch.log(state.true_prior + PRIOR_EPS)
        if state.feat_mean.numel() == 0:
            return None  # untrained model: no feature mean yet
        return torch.log(self.estimated_prior(state.feat_mean) + PRIOR_EPS)

    # ------------------------------------------------------------- train
    @staticmethod
    def update_feat_mean(state, feats: List[torch.Tensor],
                         momentum: float) -> torch.Tensor:
        """φ̄ after this step from the views' (B, d) features (global batch
        mean via all_reduce of sums and counts)."""
        with torch.no_grad():
            mean_feat = sum(f.detach().float() for f in feats) / len(feats)
            stats = torch.cat([mean_feat.sum(0),
                               mean_feat.new_tensor([mean_feat.shape[0]])])
            all_reduce_sum(stats)
            u = stats[:-1] / stats[-1].clamp_min(1)
            if int(state.feat_count) == 0 or state.feat_mean.numel() == 0:
                return (1 - momentum) * u
            return momentum * state.feat_mean + (1 - momentum) * u

    def mixup_draw(self, model, batch: int) -> Tuple[float, torch.Tensor]:
        """λ ~ Beta(α, α), λ ← max(λ, 1 − λ), and a permutation, from an RNG
        seeded by (run seed, iteration, rank): resumable and rank-distinct."""
        from mmengine.dist import get_rank
        rng = np.random.default_rng([model.rng_seed, model.train_iter,
                                     get_rank()])
        lam = float(rng.beta(self.mixup_alpha, self.mixup_alpha))
        return max(lam, 1 - lam), torch.from_numpy(rng.permutation(batch))

    def loss(self, model, views: List[torch.Tensor],
             idx: torch.Tensor) -> dict:
        """One training step; returns the loss dict and stages the state
        updates in ``model.state`` (committed by ConfidenceUpdateHook)."""
        state, epoch = model.state, model.train_epoch
        if len(views) != self.num_views:
            raise ValueError(f'{type(self).__name__}: the loss expects '
                             f'{self.num_views} views, the pipeline gives '
                             f'{len(views)} (MultiView num_views)')
        conf = state.conf_rows(idx)
        inputs = list(views)
        if self.mixup:
            lam, perm = self.mixup_draw(model, views[0].shape[0])
            perm = perm.to(idx.device)
            inputs += [lam * x + (1 - lam) * x[perm] for x in views]
            conf_mix = lam * conf + (1 - lam) * conf[perm]
        logits, feats = model.forward_views(inputs)
        z, zmix = logits[:len(views)], logits[len(views):]
        loss_in = z
        if self.oracle_in_loss:
            log_pi = torch.log(state.true_prior + PRIOR_EPS)
            loss_in = [v + log_pi for v in z]
        losses = self._loss_terms(loss_in, conf, epoch)
        updating = epoch >= self.upd_start
        if self.mixup:
            mix = self.loss_module(zmix, conf_mix, epoch=epoch)
            losses['loss_mix'] = self.mixup_weight * mix * float(updating)
        feat_mean = self.update_feat_mean(state, feats[:len(views)],
                                          self.momentum)
        state.stage_values(feat_mean=feat_mean)
        if updating:
            mask = state.mask_rows(idx) if self.update_mask == 'initial' \
                else (conf > 0)
            log_prior = None
            if self.prior == 'records':
                log_prior = torch.log(self.estimated_prior(feat_mean) +
                                      PRIOR_EPS)
            elif self.prior == 'oracle' and not self.oracle_in_loss:
                log_prior = torch.log(state.true_prior + PRIOR_EPS)
            state.stage_rows('conf', idx, self.loss_module.update_confidence(
                [v.detach() for v in z], mask, log_prior))
        return losses

    def _loss_terms(self, z: List[torch.Tensor], conf: torch.Tensor,
                    epoch: int) -> dict:
        module = self.loss_module
        if not hasattr(module, 'terms'):
            return {'loss': module(z, conf, epoch=epoch)}
        sup, con = module.terms(z, conf)
        scale = module.loss_weight / z[0].shape[0]
        return {'loss_sup': scale * sup.sum(),
                'loss_con': scale * module.con_lambda(epoch) * con.sum()}

    # ------------------------------------------------------------- test
    def predict(self, logits: torch.Tensor, state,
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        """Data samples with ``pred_score`` = softmax of the (debiased)
        logits and ``pred_label``."""
        log_prior = self.test_log_prior(state)
        if log_prior is not None:
            logits = logits - log_prior.to(logits)
        scores = F.softmax(logits.float(), 1).detach()
        labels = scores.argmax(1, keepdim=True)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(scores.shape[0])]
        for sample, score, label in zip(data_samples, scores, labels):
            sample.set_pred_score(score).set_pred_label(label)
        return data_samples
