"""Heterogeneous co-learning with Stitch-Up (stitchup spec §4-§5)."""
import copy
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample
from torch.nn.modules.batchnorm import _BatchNorm

from mlc.evaluation.functional import load_class_split
from mlc.registry import MODELS
from ..heads.mlc_linear_head import stack_targets
from ..utils.branch_label_memory import BranchLabelMemory

BRANCHES = ('random', 'balanced')
GROUPS = (('head', 'many'), ('medium', 'medium'), ('tail', 'few'))
STITCH_MODES = (None, 'feature_avg', 'image_splice')


def threshold_keys() -> List[str]:
    """The 12 names ``{random,balance}_{head,medium,tail}_{alpha,beta}``."""
    return [f'{b}_{g}_{k}' for b in ('random', 'balance')
            for g, _ in GROUPS for k in ('alpha', 'beta')]


def correct_labels(target: torch.Tensor, prob: torch.Tensor,
                   alpha: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """Labels corrected by a peer's probabilities.

    ``y_hat = 1`` where ``p > alpha_c``; then ``y_hat = 0`` where
    ``p < beta_c``; else the observed label.

    Args:
        target (Tensor): (B, C) observed labels in {1, 0, -1}.
        prob (Tensor): (B, C) peer probabilities.
        alpha (Tensor): (C,) adding thresholds (1 never adds).
        beta (Tensor): (C,) removing thresholds (0 never removes).

    Returns:
        Tensor: (B, C) corrected labels.
    """
    out = torch.where(prob > alpha, torch.ones_like(target), target)
    return torch.where(prob < beta, torch.zeros_like(target), out)


def label_union(y1: torch.Tensor, y2: torch.Tensor) -> torch.Tensor:
    """OR of two label sets in {1, 0, -1}: 1 if either is 1, 0 if both are
    0, else -1 (unknown)."""
    both_neg = (y1 == 0) & (y2 == 0)
    union = torch.where(both_neg, torch.zeros_like(y1), -torch.ones_like(y1))
    return torch.where((y1 == 1) | (y2 == 1), torch.ones_like(y1), union)


def stitchup_loss_parts(loss_fn, z_s: torch.Tensor, z_1: torch.Tensor,
                        z_2: torch.Tensor, y1: torch.Tensor, y2: torch.Tensor,
                        union: torch.Tensor
                        ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Feature-average Stitch-Up loss, split into its two parts.

    ``L_kc = [u_kc = 1] l(z_s; u) + [u_kc != 1] (l(z_1; y1) + l(z_2; y2)) / 2``
    (each term from ``loss_fn`` element-wise, so DB weights use ``u`` for
    ``z_s`` and each image's labels for its own logits), mean over B x C.

    Returns:
        tuple: positive part and negative part (they sum to the loss).
    """
    pos = loss_fn(z_s, union, reduction_override='none')
    neg = 0.5 * (loss_fn(z_1, y1, reduction_override='none') +
                 loss_fn(z_2, y2, reduction_override='none'))
    is_pos = union == 1
    return (torch.where(is_pos, pos, torch.zeros_like(pos)).mean(),
            torch.where(is_pos, torch.zeros_like(neg), neg).mean())


def splice_images(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    """Resize (B, 3, H, W) anchors and partners to half width (bilinear)
    and put them side by side: (B, 3, H, W)."""
    h, w = x1.shape[-2:]
    left = F.interpolate(x1, size=(h, w // 2), mode='bilinear',
                         align_corners=False)
    right = F.interpolate(x2, size=(h, w - w // 2), mode='bilinear',
                          align_corners=False)
    return torch.cat([left, right], dim=3)


@MODELS.register_module()
class CoLearningClassifier(BaseModel):
    """Two branches (uniform ``random`` R, class-aware ``balanced`` B) on a
    ResNet trunk (stem -> second-to-last stage) computed once per image set.

    Each branch owns a copy of the last stage (``layer4``, initialised
    alike), a neck (``PFCStitchNeck``) and a head (``MLCLinearHead`` with its
    loss). With both branches and ``correction=True``, each branch's labels
    (anchors and partners, separately) are corrected by the other branch's
    probabilities (no grad; peer layer4 and neck in eval mode): R's labels
    use the ``balance_*`` thresholds, B's the ``random_*`` ones, per class
    group of ``training_split``. Corrections are recomputed every step from
    the loaded labels and never written back (``write_back=False``, the
    official behaviour); ``gt_clean`` is never read.

    Stitch-Up (``stitch``): ``'feature_avg'`` (official code) averages the
    anchor and partner embeddings; positives of the OR-ed corrected labels
    are learned from the stitched logits, negatives from each image's own
    logits (mean over B x C). ``'image_splice'`` puts the half-width images
    side by side and learns the OR-ed labels from one forward. None trains
    on single images. Test: each image alone through the ``bn`` path;
    fused logits ``w z_R + (1 - w) z_B``; ``pred_score_random`` and
    ``pred_score_balanced`` are added to the data samples.

    Args:
        backbone (dict): mmpretrain ``ResNet``/``ResNet_CIFAR`` config; its
            last stage becomes the branch copies.
        branches (dict): ``random`` and/or ``balanced``, each
            ``dict(neck=..., head=...)``. One branch = a plain single model.
        stitch (str, optional): ``'feature_avg'``, ``'image_splice'`` or None.
        correction (bool): Cross correction (needs both branches).
        thresholds (dict): Any of the 12 ``{random,balance}_{head,medium,
            tail}_{alpha,beta}`` (default alpha 1.0, beta 0.0).
        training_split (str | dict, optional): Class groups of the
            thresholds (``head``/``middle``/``tail`` or ``many``/``medium``/
            ``few``), read when training starts; None: set by
            ``CoLearningCorrectionHook`` from the training set's
            ``class_split``.
        fuse_weight_random (float): Test weight w of R's logits.
        write_back (bool): Keep each branch's corrected labels in a label
            memory (``label_memory``, N x C int8 per branch, synchronised
            across ranks and saved in checkpoints) and correct the memory
            rather than the loaded labels from then on (project option; the
            sampler and Stitch-Up partner lists keep the loaded labels).
            Needs ``CoLearningCorrectionHook``. Defaults to False.
        sync_neck_bn (bool): Convert the necks' BatchNorms to SyncBatchNorm
            (statistics over the global batch; GPU only in distributed
            runs). Defaults to False: per-rank statistics, as the
            single-GPU official code.
        data_preprocessor (dict, optional): ``CoLearningDataPreprocessor``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 branches: Dict[str, dict],
                 stitch: Optional[str] = 'feature_avg',
                 correction: bool = True,
                 thresholds: Optional[Dict[str, float]] = None,
                 training_split: Optional[Union[str, dict]] = None,
                 fuse_weight_random: float = 0.1,
                 write_back: bool = False,
                 sync_neck_bn: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='CoLearningDataPreprocessor')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if stitch not in STITCH_MODES:
            raise ValueError(f'CoLearningClassifier: stitch must be one of '
                             f'{STITCH_MODES}, got {stitch!r}')
        unknown = set(branches) - set(BRANCHES)
        if unknown or not branches:
            raise KeyError(f'CoLearningClassifier: branches must be among '
                           f'{BRANCHES}, got {sorted(branches)}')
        if correction and len(branches) != 2:
            raise ValueError('CoLearningClassifier: correction needs both '
                             'branches (set correction=False)')
        if write_back and not correction:
            raise ValueError('CoLearningClassifier: write_back stores '
                             'corrections and needs correction=True')
        thresholds = dict(thresholds or {})
        bad = set(thresholds) - set(threshold_keys())
        if bad:
            raise KeyError(f'CoLearningClassifier: unknown threshold keys '
                           f'{sorted(bad)}; allowed {threshold_keys()}')
        self.backbone_cfg = copy.deepcopy(backbone)
        self.trunk = MODELS.build(backbone)
        self.last_stage = self.trunk.res_layers[-1]
        layer4 = getattr(self.trunk, self.last_stage)
        delattr(self.trunk, self.last_stage)
        self.trunk.res_layers = self.trunk.res_layers[:-1]
        self.trunk.out_indices = (len(self.trunk.res_layers) - 1, )
        self.norm_eval = backbone.get('norm_eval', False)
        self.branch_names = tuple(b for b in BRANCHES if b in branches)
        self.branches = nn.ModuleDict()
        for name in self.branch_names:
            cfg = branches[name]
            if set(cfg) != {'neck', 'head'}:
                raise KeyError(f'CoLearningClassifier: branch {name} needs '
                               f'exactly neck and head, got {sorted(cfg)}')
            neck = MODELS.build(dict(cfg['neck'],
                                     partner_bn=stitch == 'feature_avg'))
            if sync_neck_bn:
                neck = nn.SyncBatchNorm.convert_sync_batchnorm(neck)
            self.branches[name] = nn.ModuleDict(dict(
                layer4=copy.deepcopy(layer4),
                neck=neck,
                head=MODELS.build(cfg['head'])))
        self.num_classes = self.branches[self.branch_names[0]].head.num_classes
        self.stitch = stitch
        self.correction = correction
        self.correction_active = True
        self.thresholds = thresholds
        self.fuse_weight_random = fuse_weight_random
        self.write_back = write_back
        if write_back:
            self.label_memory = BranchLabelMemory(self.branch_names)
        self.training_split = None
        for name in BRANCHES:
            self.register_buffer(f'alpha_{name}', torch.ones(
                self.num_classes), persistent=False)
            self.register_buffer(f'beta_{name}', torch.zeros(
                self.num_classes), persistent=False)
        # a file is read when first needed (the hook's before_train or the
        # first training step), so test-only use does not need it
        self.training_split_cfg = training_split
        self.last_corrections: Dict[str, dict] = {}

    # ----------------------------------------------------------- set-up
    @property
    def needs_training_split(self) -> bool:
        """Whether any threshold differs from the never-firing default."""
        return any((v != 1.0 if k.endswith('alpha') else v != 0.0)
                   for k, v in self.thresholds.items())

    def set_training_split(self, split: Union[str, dict]) -> None:
        """Per-class alpha/beta from the class groups of ``split``."""
        groups = load_class_split(split, self.num_classes)
        seen = sorted(c for _, key in GROUPS for c in groups[key])
        if seen != list(range(self.num_classes)):
            raise ValueError('CoLearningClassifier: every class must be in '
                             'exactly one of head/medium/tail of the '
                             'training split')
        # R's labels are corrected with B's probabilities and the balance_*
        # thresholds, B's labels with R's probabilities and random_*
        for target, prefix in (('random', 'balance'), ('balanced', 'random')):
            alpha = getattr(self, f'alpha_{target}')
            beta = getattr(self, f'beta_{target}')
            for group, key in GROUPS:
                idx = torch.as_tensor(groups[key], dtype=torch.long)
                alpha[idx] = self.thresholds.get(f'{prefix}_{group}_alpha', 1.)
                beta[idx] = self.thresholds.get(f'{prefix}_{group}_beta', 0.)
        self.training_split = groups

    def init_weights(self) -> None:
        """Initialise; the layer4 copies start from the same weights as the
        backbone's last stage would (pretrained when the backbone's
        ``init_cfg`` says so)."""
        super().init_weights()
        template = MODELS.build(copy.deepcopy(self.backbone_cfg))
        template.init_weights()
        state = getattr(template, self.last_stage).state_dict()
        for name in self.branch_names:
            self.branches[name].layer4.load_state_dict(state)

    def train(self, mode: bool = True) -> 'CoLearningClassifier':
        super().train(mode)
        if mode and self.norm_eval:
            for name in self.branch_names:
                for m in self.branches[name].layer4.modules():
                    if isinstance(m, _BatchNorm):
                        m.eval()
        return self

    # ------------------------------------------------------- computation
    def embed(self, name: str, feats: torch.Tensor,
              partner: bool = False) -> torch.Tensor:
        """(N, D) embeddings of trunk features through branch ``name``."""
        branch = self.branches[name]
        return branch.neck.embed(branch.layer4(feats), partner)

    def logits(self, name: str, emb: torch.Tensor) -> torch.Tensor:
        return self.branches[name].head((emb, ))

    @torch.no_grad()
    def peer_probs(self, name: str, feats: torch.Tensor) -> torch.Tensor:
        """Sigmoid scores of branch ``name`` (layer4 and neck in eval mode,
        restored afterwards; no graph) on single images."""
        branch = self.branches[name]
        modes = [(m, m.training)
                 for m in (*branch.layer4.modules(), *branch.neck.modules())]
        for m, _ in modes:
            m.training = False
        try:
            return torch.sigmoid(self.logits(name, self.embed(name, feats)))
        finally:
            for m, mode in modes:
                m.training = mode

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor',
                partner_inputs: Optional[torch.Tensor] = None,
                balanced: Optional[dict] = None):
        """``'loss'`` (training), ``'predict'`` or ``'tensor'`` (fused
        logits). In dual training, ``inputs``/``data_samples``/
        ``partner_inputs`` are R's batch and ``balanced`` holds B's."""
        if mode == 'loss':
            return self.loss(inputs, data_samples, partner_inputs, balanced)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.branch_logits(inputs)[0]
        raise RuntimeError(f'Invalid mode "{mode}".')

    def branch_logits(self, inputs: torch.Tensor
                      ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """Fused (B, C) logits and each branch's, on single images."""
        feats = self.trunk(inputs)[-1]
        per = {n: self.logits(n, self.embed(n, feats))
               for n in self.branch_names}
        if len(per) == 1:
            return next(iter(per.values())), per
        w = self.fuse_weight_random
        return w * per['random'] + (1 - w) * per['balanced'], per

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        """Sigmoid of the fused logits in ``pred_score``; each branch's in
        ``pred_score_<branch>``."""
        fused, per = self.branch_logits(inputs)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(fused.shape[0])]
        for i, sample in enumerate(data_samples):
            sample.set_pred_score(torch.sigmoid(fused[i]))
            for name, z in per.items():
                sample.set_field(torch.sigmoid(z[i]), f'pred_score_{name}',
                                 dtype=torch.Tensor)
        return data_samples

    # ------------------------------------------------------------ training
    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             partner_inputs: Optional[torch.Tensor] = None,
             balanced: Optional[dict] = None) -> Dict[str, torch.Tensor]:
        """Losses of one (single branch) or two (dual) batches."""
        batches = {self.branch_names[0]: dict(
            inputs=inputs, data_samples=data_samples,
            partner_inputs=partner_inputs)}
        if len(self.branch_names) == 2:
            if balanced is None:
                raise ValueError('CoLearningClassifier: two branches need a '
                                 'dual batch (DualLoaderEpochBasedTrainLoop)')
            batches['balanced'] = balanced
        elif balanced is not None:
            raise ValueError('CoLearningClassifier: a dual batch for a '
                             'single-branch model')
        correct = (self.correction and self.correction_active
                   and len(self.branch_names) == 2)
        if correct and self.training_split is None and \
                self.training_split_cfg is not None:
            self.set_training_split(self.training_split_cfg)
        if correct and self.needs_training_split and \
                self.training_split is None:
            raise RuntimeError(
                'CoLearningClassifier: thresholds need the class groups; set '
                "training_split or add dict(type='CoLearningCorrectionHook') "
                'to custom_hooks (it reads the training class_split)')
        # one trunk pass for every image of every branch
        parts, names = [], []
        for name, batch in batches.items():
            x1, x2 = batch['inputs'], batch.get('partner_inputs')
            if self.stitch is not None and x2 is None:
                raise ValueError('CoLearningClassifier: Stitch-Up needs '
                                 'partners (wrap the training dataset in '
                                 'StitchUpDataset)')
            images = {}
            if self.stitch == 'image_splice':
                images['splice'] = splice_images(x1, x2)
                if correct:
                    images.update(anchor=x1, partner=x2)
            else:
                images['anchor'] = x1
                if self.stitch == 'feature_avg':
                    images['partner'] = x2
            for key, x in images.items():
                parts.append(x)
                names.append((name, key, x.shape[0]))
        feats = self.trunk(torch.cat(parts))[-1]
        split = {}
        start = 0
        for name, key, num in names:
            split.setdefault(name, {})[key] = feats[start:start + num]
            start += num
        losses = {}
        for name, batch in batches.items():
            peer = None
            if correct:
                peer = 'balanced' if name == 'random' else 'random'
            losses.update(self.branch_loss(name, batch, split[name], peer))
        return losses

    def _corrected(self, name: str, peer: Optional[str],
                   target: torch.Tensor, feats: Optional[torch.Tensor]
                   ) -> torch.Tensor:
        if peer is None:
            return target
        prob = self.peer_probs(peer, feats)
        return correct_labels(target, prob, getattr(self, f'alpha_{name}'),
                              getattr(self, f'beta_{name}'))

    def _observed(self, name: str, samples: List[DataSample],
                  partner: bool) -> Tuple[torch.Tensor,
                                          Optional[torch.Tensor]]:
        """(B, C) labels of the anchors (or their partners) that branch
        ``name`` corrects, and their (B,) dataset indices: the loaded labels,
        or with ``write_back`` the branch's label memory rows."""
        if self.write_back:
            key = 'partner_sample_idx' if partner else 'sample_idx'
            idx = torch.tensor([s.metainfo[key] for s in samples],
                               dtype=torch.long)
            return self.label_memory.rows(name, idx), idx
        if partner:
            return torch.stack([s.partner_gt_score for s in samples]), None
        return stack_targets(samples, self.num_classes), None

    def branch_loss(self, name: str, batch: dict,
                    feats: Dict[str, torch.Tensor],
                    peer: Optional[str]) -> Dict[str, torch.Tensor]:
        """Loss of branch ``name`` on its batch, labels corrected by
        ``peer`` (None: observed labels)."""
        samples = batch['data_samples']
        y1, idx1 = self._observed(name, samples, partner=False)
        indices = [idx1]
        y1c = self._corrected(name, peer, y1, feats.get('anchor'))
        record = dict(observed=[y1], corrected=[y1c])
        head = self.branches[name].head
        loss_fn = head.loss_module
        out = {}
        if self.stitch is None:
            z = self.logits(name, self.embed(name, feats['anchor']))
            out[f'loss_{name}'] = loss_fn(z, y1c)
        else:
            y2, idx2 = self._observed(name, samples, partner=True)
            y2 = y2.to(y1)
            indices.append(idx2)
            y2c = self._corrected(name, peer, y2, feats.get('partner'))
            record['observed'].append(y2)
            record['corrected'].append(y2c)
            union = label_union(y1c, y2c)
            if self.stitch == 'image_splice':
                z = self.logits(name, self.embed(name, feats['splice']))
                out[f'loss_{name}'] = loss_fn(z, union)
            else:
                out.update(self._feature_avg_loss(name, feats, y1c, y2c,
                                                  union))
        observed = torch.cat(record['observed'])
        corrected = torch.cat(record['corrected'])
        self.last_corrections[name] = dict(observed=observed.detach(),
                                           corrected=corrected.detach())
        if self.write_back and peer is not None:
            self.label_memory.set_pending(name, torch.cat(indices), corrected)
        if peer is not None:
            out[f'{name}_added'] = ((corrected == 1) & (observed != 1)).sum(
                dtype=torch.float32) / observed.shape[0]
            out[f'{name}_removed'] = ((corrected == 0) & (observed == 1)).sum(
                dtype=torch.float32) / observed.shape[0]
        return out

    def _feature_avg_loss(self, name: str, feats: Dict[str, torch.Tensor],
                          y1: torch.Tensor, y2: torch.Tensor,
                          union: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Positives of the union from the averaged embedding, negatives
        from each image (half weight each); mean over B x C."""
        num = y1.shape[0]
        branch = self.branches[name]
        f = branch.layer4(torch.cat([feats['anchor'], feats['partner']]))
        e1 = branch.neck.embed(f[:num])
        e2 = branch.neck.embed(f[num:], partner=True)
        z = self.logits(name, torch.cat([(e1 + e2) / 2, e1, e2]))
        pos_part, neg_part = stitchup_loss_parts(
            branch.head.loss_module, z[:num], z[num:2 * num], z[2 * num:],
            y1, y2, union)
        return {f'loss_{name}': pos_part + neg_part,
                f'{name}_pos_part': pos_part.detach(),
                f'{name}_neg_part': neg_part.detach()}
