"""Epoch bookkeeping and correction logging of COMIC
(configs/comic/README.md)."""
from typing import Dict, Optional, Sequence

import torch
from mmengine.hooks import Hook
from mmengine.logging import MMLogger

from mlc.evaluation.functional.shot_groups import (
    GROUPS,
    load_class_split,
    split_from_class_freq,
)
from mlc.models.heads.comic_head import ComicHead
from mlc.registry import HOOKS
from mlc.utils.dist import all_reduce_sum
from .model_protocols import (
    ClassStats,
    broadcast_epoch,
    push_training_stats,
    stage_epoch,
    train_label_store,
    unwrap_model,
)


def _comic_head(runner) -> ComicHead:
    model = unwrap_model(runner.model)
    head = getattr(model, 'head', None)
    if not isinstance(head, ComicHead):
        raise TypeError('ComicCorrectionHook needs a model whose head is a '
                        f'ComicHead, got {type(model).__name__}')
    return head


@HOOKS.register_module()
class ComicCorrectionHook(Hook):
    """Feeds COMIC's losses and logs what RLC recovers.

    - ``before_train``: class counts and co-occurrence of the **observed**
      training labels for the losses (unless the head config gives them;
      the class-statistics protocol).
    - ``before_train_epoch``: passes the epoch to the RLC losses (D reset,
      ``start_epoch``; the epoch protocol).
    - ``after_train_iter`` / ``after_train_epoch``: when the samples carry
      ``gt_clean`` (pack it with ``PackInputs(algorithm_keys=('gt_clean',))``)
      counts per class how many unknown entries each branch's RLC turned
      positive, how many of those are truly positive, and how many truly
      positive unknowns it saw; logs precision and recall per branch and
      per shot group (all ranks summed). Logging only: ``gt_clean`` never
      reaches a loss.

    Args:
        class_split (dict | str, optional): Groups for the logs; default the
            training dataset's ``class_split`` or its counts (100/20).
    """

    priority = 'NORMAL'

    def __init__(self, class_split: Optional[dict] = None) -> None:
        self.class_split_cfg = class_split
        self.split: Optional[Dict[str, Sequence[int]]] = None
        self.counts: Dict[str, torch.Tensor] = {}

    def before_train(self, runner) -> None:
        head = _comic_head(runner)
        stats = ClassStats.from_store(
            train_label_store(runner, 'ComicCorrectionHook'))
        push_training_stats(unwrap_model(runner.model), stats)
        freq = stats.class_freq
        meta_split = runner.train_dataloader.dataset.metainfo.get(
            'class_split')
        split_src = self.class_split_cfg or meta_split
        self.split = (load_class_split(split_src, head.num_classes)
                      if split_src is not None else
                      split_from_class_freq(freq.tolist()))
        runner.logger.info(
            'ComicCorrectionHook: class statistics from the observed '
            f'training labels ({int(freq.sum())} positives); shot groups '
            + ', '.join(f'{g} {len(self.split[g])}' for g in GROUPS))

    def before_train_epoch(self, runner) -> None:
        _comic_head(runner)
        broadcast_epoch(runner.model, stage_epoch(runner))
        self.counts = {}

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        masks = _comic_head(runner).correction_masks()
        samples = (data_batch or {}).get('data_samples')
        if not masks or not samples or 'gt_clean' not in samples[0]:
            return
        clean = torch.stack([torch.as_tensor(s.gt_clean)
                             for s in samples]).float()
        observed = torch.stack([torch.as_tensor(s.gt_score)
                                for s in samples]).float()
        missing = (observed == -1) & (clean == 1)
        for branch, corrected in masks.items():
            corrected = corrected.cpu()
            rows = torch.stack([corrected.sum(0),
                                (corrected & (clean == 1)).sum(0),
                                missing.sum(0)]).long()
            self.counts[branch] = self.counts.get(branch, 0) + rows

    def after_train_epoch(self, runner) -> None:
        if not self.counts:
            return
        logger = MMLogger.get_current_instance()
        drifts = _comic_head(runner).count_drift()
        for branch in sorted(self.counts):
            drift = drifts[branch]
            # on the state's device: NCCL reduces CUDA tensors only
            rows = all_reduce_sum(self.counts[branch].to(drift.device)).cpu()
            parts = [self._precision_recall(rows, None, 'total')]
            parts += [self._precision_recall(rows, self.split[g], g)
                      for g in GROUPS if self.split[g]]
            # written now with the epoch as step (the message hub would
            # only reach scalars.json with the next epoch's iterations)
            runner.visualizer.add_scalars(
                {f'rlc_{kind}_{branch}_{name}': value
                 for name, prec, rec in parts
                 for kind, value in (('precision', prec), ('recall', rec))},
                step=runner.epoch + 1)
            logger.info(
                f'RLC branch {branch} epoch {runner.epoch + 1}: '
                f'{int(rows[0].sum())} corrections, |D - n|_1 = '
                f'{int(drift)}; precision / recall vs gt_clean: ' + ', '.join(
                    f'{name} {prec:.3f} / {rec:.3f}'
                    for name, prec, rec in parts))

    @staticmethod
    def _precision_recall(rows: torch.Tensor, classes, name: str):
        sel = rows if classes is None else rows[:, list(classes)]
        corrected, true_pos, missing = (float(v) for v in sel.sum(1))
        return (name, true_pos / corrected if corrected else float('nan'),
                true_pos / missing if missing else float('nan'))
