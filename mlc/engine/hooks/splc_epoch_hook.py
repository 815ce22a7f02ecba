"""Passes the runner's epoch to SPLC losses and logs pseudo-label quality."""
from typing import Optional

import torch
from mmengine.hooks import Hook

from mlc.models.losses import SPLCLoss
from mlc.registry import HOOKS
from .model_protocols import broadcast_epoch, stage_epoch, unwrap_model


@HOOKS.register_module()
class SPLCEpochHook(Hook):
    """Set the 0-based epoch on every module with ``set_epoch`` (the
    epoch protocol, docs/conventions.md section 8).

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
    that became pseudo-positives), reading the pseudo-positives of every
    :class:`SPLCLoss` of the model through its public
    :attr:`SPLCLoss.last_pseudo`.
    ``gt_clean`` is read here for logging only; it never reaches the loss.

    Args:
        log_pseudo_quality (bool): Log precision/recall. Defaults to True.
    """

    priority = 'NORMAL'

    def __init__(self, log_pseudo_quality: bool = True) -> None:
        self.log_pseudo_quality = log_pseudo_quality

    def before_train_epoch(self, runner) -> None:
        """Set the epoch of the losses of ``runner.model``."""
        if not broadcast_epoch(runner.model, stage_epoch(runner)):
            raise RuntimeError('SPLCEpochHook: the model has no loss with '
                               '`set_epoch` (e.g. SPLCLoss); remove the hook '
                               'or fix the loss config')

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Log pseudo-label precision/recall against ``gt_clean``."""
        if not self.log_pseudo_quality or not data_batch:
            return
        samples = data_batch.get('data_samples') or []
        if not samples or 'gt_clean' not in samples[0]:
            return
        for loss in unwrap_model(runner.model).modules():
            if not isinstance(loss, SPLCLoss):
                continue
            pseudo = loss.last_pseudo
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
