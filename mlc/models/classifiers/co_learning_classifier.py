"""Heterogeneous co-learning with Stitch-Up."""
import copy
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample

from mlc.registry import MODELS
from ..utils.branch_label_memory import BranchLabelMemory
from ..utils.co_learning_options import (
    BRANCHES,
    check_options,
    check_thresholds,
    class_thresholds,
    kept_branches,
    needs_class_groups,
)
from ..utils.norm_eval import freeze_bn_stats
from ..utils.preprocessor_builder import build_data_preprocessor
from ..utils.stitchup import (
    correct_labels,
    feature_avg_loss,
    label_union,
    one_pass,
    stitch_views,
)
from ..utils.targets import stack_targets


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

    Stitch-Up (``stitch``): ``'feature_avg'`` (official) averages anchor and
    partner embeddings, learns the positives of the OR-ed corrected labels
    from the stitched logits and negatives from each image's own logits
    (mean over B x C); ``'image_splice'`` learns the OR-ed labels from the
    half-width images side by side; None trains on single images. Test:
    fused logits ``w z_R + (1 - w) z_B`` (and ``pred_score_random`` /
    ``pred_score_balanced``).

    Args:
        backbone (dict): mmpretrain ``ResNet``/``ResNet_CIFAR`` config; its
            last stage becomes the branch copies.
        branches (dict): ``random`` and/or ``balanced``, each
            ``dict(neck=..., head=...)``. One branch = a plain single model.
        single_branch (str, optional): Only this branch of ``branches``
            (ablations; with no peer, ``correction`` must be False).
            Defaults to None (all).
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
            memory (``label_memory``: N x C int8 per branch, or only the
            changed entries beyond 2^28; synchronised, checkpointed) and
            correct it rather than the loaded labels from then on (project
            option; sampler and partner lists keep the loaded labels).
            Needs ``CoLearningCorrectionHook``. Defaults to False.
        sync_neck_bn (bool): SyncBatchNorm in the necks (global batch
            statistics; GPU runs). Defaults to False: per-rank statistics,
            as the single-GPU official code.
        data_preprocessor (dict, optional): ``CoLearningDataPreprocessor``.
        init_cfg (dict, optional): Initialisation config.

    Hook protocol (docs/conventions.md, section 8):
    :meth:`prepare_training_split`,
    :meth:`init_label_memory`, :meth:`set_epoch`, :meth:`set_warmup_epoch`,
    the commit of ``label_memory`` and :meth:`correction_records`.
    """

    def __init__(self,
                 backbone: dict,
                 branches: Dict[str, dict],
                 single_branch: Optional[str] = None,
                 stitch: Optional[str] = 'feature_avg',
                 correction: bool = True,
                 thresholds: Optional[Dict[str, float]] = None,
                 training_split: Optional[Union[str, dict]] = None,
                 fuse_weight_random: float = 0.1,
                 write_back: bool = False,
                 sync_neck_bn: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        preprocessor = build_data_preprocessor(data_preprocessor,
                                               'CoLearningDataPreprocessor')
        super().__init__(data_preprocessor=preprocessor, init_cfg=init_cfg)
        branches = kept_branches(branches, single_branch)
        check_options(branches, stitch, correction, write_back)
        thresholds = check_thresholds(thresholds)
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
        self.warmup_epoch = 0
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
        self._last_corrections: Dict[str, dict] = {}

    # ----------------------------------------------------------- set-up
    @property
    def needs_training_split(self) -> bool:
        """Whether any threshold differs from the never-firing default."""
        return needs_class_groups(self.thresholds)

    def set_training_split(self, split: Union[str, dict]) -> None:
        """Per-class alpha/beta from the class groups of ``split``."""
        groups, tables = class_thresholds(split, self.thresholds,
                                          self.num_classes)
        for target, (alpha, beta) in tables.items():
            getattr(self, f'alpha_{target}').copy_(alpha)
            getattr(self, f'beta_{target}').copy_(beta)
        self.training_split = groups

    # ------------------------------------------------------ hook protocol
    def prepare_training_split(self, dataset_split: Optional[dict]) -> bool:
        """Set the class groups when training starts: the configured
        ``training_split`` if any, else ``dataset_split`` (the training
        set's ``class_split``; None leaves them unset). Returns whether
        ``dataset_split`` was used."""
        if self.training_split is not None:
            return False
        if self.training_split_cfg is not None:
            self.set_training_split(self.training_split_cfg)
            return False
        if dataset_split is None:
            return False
        self.set_training_split(dataset_split)
        return True

    def init_label_memory(self, labels) -> None:
        """Fill the ``write_back`` label memory from the training labels
        ((N, C) or a label store) unless a checkpoint already did
        (:meth:`BranchLabelMemory.prepare`)."""
        self.label_memory.prepare(labels)

    def set_warmup_epoch(self, warmup_epoch: int) -> None:
        """First (0-based) epoch with corrections (see :meth:`set_epoch`)."""
        self.warmup_epoch = int(warmup_epoch)

    def set_epoch(self, epoch: int) -> None:
        """Epoch protocol: corrections are active from ``warmup_epoch``."""
        self.correction_active = epoch >= self.warmup_epoch

    def correction_records(self) -> Dict[str, dict]:
        """Per branch, what its last training step corrected:
        ``observed`` and ``corrected`` (R, C) labels (anchors, then
        partners with Stitch-Up), the branch's ``samples`` (B data samples)
        and ``partners`` (whether rows B..2B are the partners')."""
        return dict(self._last_corrections)

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
                freeze_bn_stats(self.branches[name].layer4)
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
        split = one_pass(lambda x: self.trunk(x)[-1], {
            name: stitch_views(batch['inputs'], batch.get('partner_inputs'),
                               self.stitch, correct)
            for name, batch in batches.items()})
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
                branch = self.branches[name]
                pos_part, neg_part = feature_avg_loss(
                    branch, lambda e: self.logits(name, e), feats, y1c, y2c,
                    union)
                out.update({f'loss_{name}': pos_part + neg_part,
                            f'{name}_pos_part': pos_part.detach(),
                            f'{name}_neg_part': neg_part.detach()})
        observed = torch.cat(record['observed'])
        corrected = torch.cat(record['corrected'])
        self._last_corrections[name] = dict(
            observed=observed.detach(), corrected=corrected.detach(),
            samples=samples, partners=self.stitch is not None)
        if self.write_back and peer is not None:
            self.label_memory.stage_rows(name, torch.cat(indices), corrected)
        if peer is not None:
            out[f'{name}_added'] = ((corrected == 1) & (observed != 1)).sum(
                dtype=torch.float32) / observed.shape[0]
            out[f'{name}_removed'] = ((corrected == 0) & (observed == 1)).sum(
                dtype=torch.float32) / observed.shape[0]
        return out
