"""Passes the runner's epoch to SPLC losses and logs pseudo-label quality."""
from typing import List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mlc.registry import HOOKS


@HOOKS.register_module()
class SPLCEpochHook(Hook):
    """Set the 0-based ``runner.epoch`` on every loss with ``set_epoch``.

    Called before each training epoch, so :class:`mlc.models.losses.SPLCLoss`
    starts correcting at ``change_epoch`` (0-based: ``change_epoch=1`` is the
    second epoch, as the official loop index). Resume restores
    ``runner.epoch``, so nothing else is saved. Raises if the model has no
    such loss (a config mistake).

    With ``log_pseudo_quality`` and ``gt_clean`` packed in the training
    samples, logs after each iteration the precision of the pseudo-positives
    of the batch (``splc_pseudo_precision``: the fraction that are clean
    positives) and their recall of the missing positives
    (``splc_pseudo_recall``: the fraction of the unknown clean positives
    that became pseudo-positives).
    ``gt_clean`` is read here for logging only; it never reaches the loss.

    Args:
        log_pseudo_quality (bool): Log precision/recall. Defaults to True.
    """

    priority = 'NORMAL'

    def __init__(self, log_pseudo_quality: bool = True) -> None:
        self.log_pseudo_quality = log_pseudo_quality

    @staticmethod
    def _losses(runner) -> List[torch.nn.Module]:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        return [m for m in model.modules()
                if callable(getattr(m, 'set_epoch', None))]

    def before_train_epoch(self, runner) -> None:
        """Set the epoch of the losses of ``runner.model``."""
        losses = self._losses(runner)
        if not losses:
            raise RuntimeError('SPLCEpochHook: the model has no loss with '
                               '`set_epoch` (e.g. SPLCLoss); remove the hook '
                               'or fix the loss config')
        for loss in losses:
            loss.set_epoch(runner.epoch)

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Log pseudo-label precision/recall against ``gt_clean``."""
        if not self.log_pseudo_quality or not data_batch:
            return
        samples = data_batch.get('data_samples') or []
        if not samples or 'gt_clean' not in samples[0]:
            return
        for loss in self._losses(runner):
            pseudo = getattr(loss, 'last_pseudo', None)
            if pseudo is None or pseudo.shape[0] != len(samples):
                continue
            pseudo = pseudo.cpu()
            clean = torch.stack([torch.as_tensor(s.gt_clean).cpu()
                                 for s in samples]) > 0
            unknown = torch.stack([torch.as_tensor(s.gt_score).cpu()
                                   for s in samples]) == -1
            missing = unknown & clean  # missing positives
            hub = runner.message_hub
            hub.update_scalar(
                'train/splc_pseudo_precision',
                int((pseudo & clean).sum()) / max(int(pseudo.sum()), 1))
            hub.update_scalar(
                'train/splc_pseudo_recall',
                int((pseudo & missing).sum()) / max(int(missing.sum()), 1))
