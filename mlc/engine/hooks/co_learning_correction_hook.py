"""Warm-up, class groups and correction-quality logging of co-learning."""
from typing import Dict, List, Optional

import torch
from mmengine.hooks import Hook

from mlc.registry import HOOKS
from mlc.utils.dist import all_reduce_sum
from .model_protocols import (
    broadcast_epoch,
    commit_states,
    stage_epoch,
    train_label_store,
    unwrap_model,
)

STATS = ('added', 'added_right', 'missing', 'removed', 'removed_right',
         'spurious')
GROUPS = ('many', 'medium', 'few')
#: prefix of the logged scalars (dropped in the text log)
PREFIX = 'correction/'


def correction_counts(observed: torch.Tensor, corrected: torch.Tensor,
                      clean: torch.Tensor) -> torch.Tensor:
    """(6, C) per-class counts of one batch: labels added, added and right
    (clean 1), missing positives (observed != 1, clean 1), labels removed,
    removed and right (clean 0), spurious positives (observed 1, clean 0)."""
    added = (corrected == 1) & (observed != 1)
    removed = (corrected == 0) & (observed == 1)
    pos, neg = clean == 1, clean == 0
    rows = [added, added & pos, (observed != 1) & pos, removed,
            removed & neg, (observed == 1) & neg]
    return torch.stack([r.sum(0) for r in rows]).double().cpu()


@HOOKS.register_module()
class CoLearningCorrectionHook(Hook):
    """Companion of ``CoLearningClassifier`` (through its hook protocol).

    - Before training: ``prepare_training_split`` (the model's
      ``training_split``, or the training set's ``class_split`` metainfo:
      groups of the alpha/beta thresholds and of the logged statistics),
      ``set_warmup_epoch``, and with the model's ``write_back``
      ``init_label_memory`` from the training labels (kept when a
      checkpoint already filled it, its shape checked).
    - Each epoch: the epoch protocol (corrections are active from
      ``warmup_epoch`` on).
    - After each step: commits the model's per-sample state (the
      ``write_back`` label memory), gathered from every rank in rank order.
    - With clean labels (``gt_clean`` packed in the samples), accumulates per
      branch and class group how many labels the peer added/removed
      (``correction_records``) and their precision/recall against
      ``gt_clean`` (read here only, never by the model), summed over ranks
      and logged at the end of each epoch (also as visualiser scalars
      ``correction/...``), with the fraction of Stitch-Up partners equal to
      their anchor.

    Args:
        warmup_epoch (int): First epoch with corrections (0: from the start).
    """

    priority = 'NORMAL'

    def __init__(self, warmup_epoch: int = 0) -> None:
        self.warmup_epoch = warmup_epoch
        self.counts: Dict[str, torch.Tensor] = {}
        self.partners = torch.zeros(2, dtype=torch.float64)

    def before_train(self, runner) -> None:
        model = unwrap_model(runner.model)
        model.set_warmup_epoch(self.warmup_epoch)
        if model.write_back:
            model.init_label_memory(train_label_store(
                runner, 'CoLearningCorrectionHook'))
        if model.prepare_training_split(
                runner.train_dataloader.dataset.metainfo.get('class_split')):
            runner.logger.info('CoLearningCorrectionHook: threshold groups '
                               'from the training class_split')

    def before_train_epoch(self, runner) -> None:
        broadcast_epoch(runner.model, stage_epoch(runner))
        self.counts = {}
        self.partners.zero_()

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs=None) -> None:
        model = unwrap_model(runner.model)
        commit_states(model)
        for name, record in model.correction_records().items():
            samples = record['samples']
            clean = self._clean(samples, record['partners'])
            if clean is None:
                continue
            counts = correction_counts(record['observed'].cpu(),
                                       record['corrected'].cpu(), clean)
            self.counts[name] = self.counts.get(name, 0) + counts
            if 'partner_sample_idx' in samples[0]:
                same = sum(int(s.partner_sample_idx == s.sample_idx)
                           for s in samples)
                self.partners += torch.tensor([same, len(samples)],
                                              dtype=torch.float64)

    @staticmethod
    def _clean(samples: List, partners: bool) -> Optional[torch.Tensor]:
        """(R, C) clean labels of the rows of a correction record: the
        anchors', then the partners' with Stitch-Up; None without
        ``gt_clean``."""
        if 'gt_clean' not in samples[0]:
            return None
        clean = [torch.as_tensor(s.gt_clean) for s in samples]
        if partners:
            clean += [torch.as_tensor(s.partner_gt_clean) for s in samples]
        return torch.stack(clean).float()

    def after_train_epoch(self, runner) -> None:
        model = unwrap_model(runner.model)
        if not self.counts or model.training_split is None:
            return
        scalars = {}
        for name in model.branch_names:
            counts = self.counts.get(name)
            if counts is None:
                continue
            all_reduce_sum(counts)
            for group in GROUPS:
                idx = model.training_split[group]
                c = dict(zip(STATS, counts[:, idx].sum(1).tolist()))
                key = f'{PREFIX}{name}_{group}'
                scalars[f'{key}_added'] = c['added']
                scalars[f'{key}_add_precision'] = _ratio(c['added_right'],
                                                         c['added'])
                scalars[f'{key}_add_recall'] = _ratio(c['added_right'],
                                                      c['missing'])
                scalars[f'{key}_removed'] = c['removed']
                scalars[f'{key}_remove_precision'] = _ratio(
                    c['removed_right'], c['removed'])
                scalars[f'{key}_remove_recall'] = _ratio(c['removed_right'],
                                                         c['spurious'])
        all_reduce_sum(self.partners)
        if self.partners[1] > 0:
            scalars[f'{PREFIX}partner_is_anchor'] = float(
                self.partners[0] / self.partners[1])
        text = ', '.join(f'{k[len(PREFIX):]}={v:.4g}'
                         for k, v in scalars.items())
        runner.logger.info(f'Epoch {runner.epoch + 1} corrections: {text}')
        runner.visualizer.add_scalars(scalars, step=runner.epoch + 1)


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else float('nan')
