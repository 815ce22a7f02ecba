"""COMIC's three-branch head: classifiers, attention fusion and losses."""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.structures import DataSample

from mlc.models.losses.comic_class_stats import (
    ArrayOrPath,
    load_cooccurrence,
    read_class_counts,
)
from mlc.registry import MODELS
from mlc.utils.choices import check_choice
from ..utils.class_stats import ClassStats
from ..utils.targets import stack_targets
from .comic_feature_memory import ComicFeatureMemory

BRANCH_NAMES = {'head': 'h', 'tail': 't', 'balanced': 'b'}
TDE_OF_BRANCH = {'h': 'head', 't': 'tail', 'b': 'none'}
COMIC_MODES = ('paper', 'code')


@MODELS.register_module()
class ComicHead(BaseModule):
    """Head (h), tail (t) and balanced (b) branches of COMIC.

    Takes the three branch features (outputs of :class:`ComicFeatNeck`),
    updates the feature memory ``state`` (training only), fuses f_h and
    f_t into f_b with :class:`AdditiveAttention` and classifies each branch
    with a :class:`NormLinearClsHead` (TDE ``head``, ``tail``, ``none``).
    ``comic_mode='paper'`` trains

        L = MFM(z_h) + λ_c RLC_h(ẑ_h) + MFM(z_t) + λ_c RLC_t(ẑ_t)
            + λ_m MFM(z_b) + λ_c RLC_b(z_b) + λ_b HTB(ẑ_h, ẑ_t, z_b)

    and ``'code'`` the released loop (no attention, no HTB, the balanced
    loss adds the mean of the three MFM terms). With ``balance=False`` only
    the balanced branch exists (no attention, no HTB): the "no balance"
    ablation. Predictions use ``predict_branch`` (default the balanced
    branch, σ(z_b); head/tail give σ(ẑ_h)/σ(ẑ_t) as diagnostics).

    Class statistics for the losses (counts n, co-occurrence) come from
    ``class_freq``/``cooccurrence`` or, when None, from the observed
    training labels (:meth:`set_training_stats`, called by
    ``ComicCorrectionHook``). Hook protocol: :meth:`set_training_stats`,
    :meth:`set_epoch`, and for logging :meth:`correction_masks` and
    :meth:`count_drift`.

    Args:
        num_classes (int): C.
        in_channels (int): Branch feature dimension. Defaults to 1024.
        cls (dict): NormLinearClsHead settings (``tde`` is set per branch).
        attention (dict): AdditiveAttention settings (``dim`` is set).
        cls_loss (dict): Classification loss (MFM; BCE for the
            "no modification" ablation).
        rlc_loss (dict, optional): RLC settings; None switches correction
            off.
        htb_loss (dict): HTB settings (its inner ``loss`` defaults to
            ``cls_loss``).
        balance (bool): Build the head/tail branches. Defaults to True.
        rlc_weight (float): λ_c. Defaults to 0.2.
        mfm_weight (float): λ_m. Defaults to 1.0.
        htb_weight (float): λ_b. Defaults to 1.0.
        feat_momentum (float): μ of the feature memory. Defaults to 0.9.
        attn_grad_to_branches (bool): Let the attention's gradient reach
            the head/tail features f_h, f_t (the official code, default).
            False detaches them as attention keys/values: the balanced
            losses then train only the balanced branch and the attention
            (ablation; needs the attention).
        comic_mode (str): ``'paper'`` or ``'code'``.
        class_freq (list | str, optional): Training counts (C,) or a
            ``distribution.txt`` path.
        cooccurrence (array | str, optional): (C, C) counts or ``.npy``.
        predict_branch (str): ``'balanced'``, ``'head'`` or ``'tail'``.
        thr (float): Threshold of ``pred_label``. Defaults to 0.5.
        init_cfg (dict, optional): Initialisation.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int = 1024,
                 cls: Dict = dict(type='NormLinearClsHead', scale=16.,
                                  eta=1. / 32, groups=1, tde_alpha=2.),
                 attention: Dict = dict(type='AdditiveAttention',
                                        dropout=0.1, scale=0.1),
                 cls_loss: Dict = dict(type='MultiFocalModifierLoss'),
                 rlc_loss: Optional[Dict] = dict(type='RLCLoss'),
                 htb_loss: Dict = dict(type='HeadTailBalancerLoss'),
                 balance: bool = True,
                 rlc_weight: float = 0.2,
                 mfm_weight: float = 1.0,
                 htb_weight: float = 1.0,
                 feat_momentum: float = 0.9,
                 attn_grad_to_branches: bool = True,
                 comic_mode: str = 'paper',
                 class_freq: Optional[ArrayOrPath] = None,
                 cooccurrence: Optional[ArrayOrPath] = None,
                 predict_branch: str = 'balanced',
                 thr: float = 0.5,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        check_choice('ComicHead', 'comic_mode', comic_mode, COMIC_MODES)
        check_choice('ComicHead', 'predict_branch', predict_branch,
                     tuple(BRANCH_NAMES))
        if not balance and predict_branch != 'balanced':
            raise ValueError('ComicHead: balance=False has only the '
                             'balanced branch to predict with')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.balance = balance
        self.comic_mode = comic_mode
        self.rlc_weight = rlc_weight
        self.mfm_weight = mfm_weight
        self.htb_weight = htb_weight
        self.feat_momentum = feat_momentum
        self.predict_branch = predict_branch
        self.thr = thr
        self.branches = ('h', 't', 'b') if balance else ('b', )

        self.cls = nn.ModuleDict({
            k: MODELS.build(dict(cls, num_classes=num_classes,
                                 in_channels=in_channels,
                                 tde=TDE_OF_BRANCH[k]))
            for k in self.branches})
        use_attention = balance and comic_mode == 'paper'
        if not attn_grad_to_branches and not use_attention:
            raise ValueError('ComicHead: attn_grad_to_branches=False needs '
                             "the attention (balance=True, comic_mode="
                             "'paper')")
        self.attn_grad_to_branches = attn_grad_to_branches
        self.attention = (MODELS.build(dict(attention, dim=in_channels))
                          if use_attention else None)
        self.cls_loss = MODELS.build(cls_loss)
        self.rlc = (None if rlc_loss is None else nn.ModuleDict(
            {k: MODELS.build(rlc_loss) for k in self.branches}))
        self.htb = None
        if use_attention:
            self.htb = MODELS.build(dict(dict(loss=cls_loss), **htb_loss))
        self.state = ComicFeatureMemory(self.branches, in_channels)
        self._epoch_set = False
        self.class_freq_given = False
        self.cooccurrence_given = False
        if class_freq is not None or cooccurrence is not None:
            self.set_class_stats(
                None if class_freq is None else read_class_counts(class_freq),
                None if cooccurrence is None else
                load_cooccurrence(cooccurrence))

    # ------------------------------------------------------------ stats
    def _stat_modules(self) -> List[nn.Module]:
        return [m for m in self.modules()
                if m is not self and hasattr(m, 'set_class_stats')]

    @property
    def class_stats_ready(self) -> bool:
        """True when every loss has the class statistics it needs."""
        return all(m.class_stats_ready for m in self._stat_modules())

    def set_class_stats(self, class_freq: Optional[torch.Tensor],
                        cooccurrence: Optional[torch.Tensor]) -> None:
        """Give (C,) counts and (C, C) co-occurrence to every loss."""
        if class_freq is not None and class_freq.numel() != self.num_classes:
            raise ValueError(f'ComicHead: class_freq has '
                             f'{class_freq.numel()} classes, the head '
                             f'{self.num_classes}')
        device = self.state.get(self.branches[0]).device
        if class_freq is not None:
            class_freq = class_freq.to(device)
            self.class_freq_given = True
        if cooccurrence is not None:
            cooccurrence = cooccurrence.to(device)
            self.cooccurrence_given = True
        for module in self._stat_modules():
            module.set_class_stats(class_freq, cooccurrence)

    def set_training_stats(self, stats: ClassStats) -> None:
        """Class-statistics protocol: counts and co-occurrence of the
        observed training labels, for the losses whose config gives none."""
        self.set_class_stats(
            None if self.class_freq_given else stats.class_freq.float(),
            None if self.cooccurrence_given else stats.cooccurrence.float())

    def set_epoch(self, epoch: int) -> None:
        """Epoch protocol: 0-based epoch of the coming steps (RLC resets
        and start)."""
        self._epoch_set = True
        for rlc in (self.rlc or {}).values():
            rlc.set_epoch(epoch)

    def correction_masks(self) -> Dict[str, torch.Tensor]:
        """Per branch with RLC, the (B, C) bool mask of the unknown entries
        its last training step turned positive (for logging)."""
        return {k: rlc.last_correction for k, rlc in (self.rlc or {}).items()
                if rlc.last_correction is not None}

    def count_drift(self) -> Dict[str, torch.Tensor]:
        """Per branch with RLC, |D - n|_1 (a () tensor on the state's
        device): how far the dynamic class counts D moved from the static
        counts n."""
        return {k: (rlc.state.counts - rlc.static_counts).abs().sum()
                for k, rlc in (self.rlc or {}).items()}

    # ---------------------------------------------------------- forward
    def forward(self, feats: Dict[str, torch.Tensor]
                ) -> Dict[str, torch.Tensor]:
        """Branch logits.

        Args:
            feats (dict): (B, D) features ``h``, ``t``, ``b`` (only ``b``
                with ``balance=False``).

        Returns:
            dict: (B, C) ``z_<k>`` and adjusted ``zhat_<k>`` per branch, and
            (B, 2) ``attn`` weights (a_h, a_t) when attention is used.
        """
        out = {}
        f_b = feats['b']
        if self.attention is not None:
            keys = torch.stack([feats['h'], feats['t']], dim=1)
            if not self.attn_grad_to_branches:
                keys = keys.detach()
            f_b, out['attn'] = self.attention(f_b, keys)
        for k in self.branches:
            f = f_b if k == 'b' else feats[k]
            out[f'z_{k}'], out[f'zhat_{k}'] = self.cls[k](f,
                                                          self.state.get(k))
        return out

    def loss(self, feats: Dict[str, torch.Tensor],
             data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        """Training losses and detached diagnostics (names without
        ``loss``). Reads ``gt_score`` only."""
        if not self.class_stats_ready:
            raise RuntimeError(
                'ComicHead: the losses have no class statistics; add '
                "custom_hooks=[dict(type='ComicCorrectionHook')] (counts from "
                'the training labels) or set class_freq/cooccurrence')
        if self.rlc is not None and not self._epoch_set:
            raise RuntimeError(
                'ComicHead: RLC needs the epoch; add custom_hooks=['
                "dict(type='ComicCorrectionHook')] or call set_epoch()")
        target = stack_targets(data_samples, self.num_classes).to(
            feats['b'].device)
        self.state.update(feats, self.feat_momentum)
        out = self.forward(feats)
        losses: Dict[str, torch.Tensor] = {}
        mfm = {k: self.cls_loss(out[f'z_{k}'], target) for k in self.branches}
        if self.comic_mode == 'code' and self.balance:
            mean_mfm = sum(mfm.values()) / 3
            losses['loss_mfm_h'] = mfm['h']
            losses['loss_mfm_t'] = mfm['t']
            losses['loss_mfm_b'] = mfm['b'] + mean_mfm
        else:
            for k in self.branches:
                weight = self.mfm_weight if k == 'b' else 1.
                losses[f'loss_mfm_{k}'] = weight * mfm[k]
        if self.rlc is not None:
            for k in self.branches:
                losses[f'loss_rlc_{k}'] = self.rlc_weight * self.rlc[k](
                    out[f'zhat_{k}'], target)
                losses[f'rlc_num_corrected_{k}'] = (
                    self.rlc[k].last_correction.sum().float().detach())
        if self.htb is not None:
            loss_htb, kappa_h = self.htb(out['zhat_h'], out['zhat_t'],
                                         out['z_b'], target)
            losses['loss_htb'] = self.htb_weight * loss_htb
            losses['htb_kappa_h'] = kappa_h
        if 'attn' in out:
            mean_attn = out['attn'].detach().mean(0)
            losses['attn_weight_h'] = mean_attn[0]
            losses['attn_weight_t'] = mean_attn[1]
        return losses

    def predict(self, feats: Dict[str, torch.Tensor],
                data_samples: Optional[List[DataSample]] = None,
                branch: Optional[str] = None) -> List[DataSample]:
        """Sigmoid scores of one branch (default ``predict_branch``)."""
        branch = BRANCH_NAMES[branch or self.predict_branch]
        if branch not in self.branches:
            raise ValueError(f'ComicHead: branch {branch!r} is not built')
        scores = torch.sigmoid(self.forward(feats)[f'zhat_{branch}'])
        if data_samples is None:
            data_samples = [DataSample() for _ in range(scores.shape[0])]
        for sample, score in zip(data_samples, scores):
            label = torch.where(score >= self.thr)[0]
            sample.set_pred_score(score).set_pred_label(label)
        return data_samples
