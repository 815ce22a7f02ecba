"""Sizes, commits and logs the per-sample state of the PLL methods."""
from typing import Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import MMLogger

from mlc.registry import HOOKS
from .model_protocols import (
    broadcast_epoch,
    commit_states,
    stage_epoch,
    unwrap_model,
)

#: confidence rows read at a time for the epoch statistics
STATS_CHUNK = 1 << 14


def train_dataset(runner):
    """The PLL training dataset (must expose ``candidates``)."""
    dataset = runner.train_dataloader.dataset
    if not hasattr(dataset, 'candidates'):
        raise TypeError(
            f'ConfidenceUpdateHook: the training dataset '
            f'{type(dataset).__name__} has no candidate sets; use a PLL '
            'dataset (PLLDataset, CIFARLTPLL, DigitMosaicPLL)')
    return dataset


def prior_report(true_prior: np.ndarray, prior: np.ndarray) -> dict:
    """Entropy of an estimated prior and KL(π_true ‖ π̂) (logging only)."""
    p = np.clip(prior, 1e-12, None)
    t = true_prior / max(true_prior.sum(), 1e-12)
    mask = t > 0
    return dict(entropy=float(-(p * np.log(p)).sum()),
                kl_true=float((t[mask] * np.log(t[mask] / p[mask])).sum()))


def confidence_summary(state, chunk: int = STATS_CHUNK):
    """Per sample: (N,) largest confidence, (N,) its class and (N,) number
    of classes with confidence > 1e-3, reading ``chunk`` rows at a time
    (the table may be sparse)."""
    parts = []
    for start in range(0, state.num_samples, chunk):
        conf = state.conf_rows(torch.arange(
            start, min(start + chunk, state.num_samples))).float()
        top, argmax = conf.max(1)
        parts.append((top, argmax, (conf > 1e-3).sum(1)))
    return tuple(torch.cat(p).cpu().numpy() for p in zip(*parts))


@HOOKS.register_module()
class ConfidenceUpdateHook(Hook):
    """State hook of ``PLLClassifier`` (CORR, RECORDS, PRODEN, SoLar).

    - ``before_train``: ``model.init_state`` from the training set's
      candidate sets (uniform confidences) unless a checkpoint already filled
      it, with the true class frequencies (logging / Oracle-LA only).
    - ``before_train_epoch``: the epoch protocol (epoch within the current
      stage of a ``TwoStageTrainLoop``).
    - ``before_train_iter``: ``model.set_iteration`` (iteration, run seed).
    - ``after_train_iter``: commits the per-sample state (confidence rows
      gathered in rank order, feature mean, queue rows), so every rank holds
      identical state.
    - ``after_train_epoch``: logs MMC, confidence accuracy overall and per
      shot group, the mean number of candidates with c > 1e-3, and the
      estimated prior's entropy and KL(π_true ‖ π̂). True labels are read
      here for logging only.

    Args:
        log_stats (bool): Log the epoch statistics. Defaults to True.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, log_stats: bool = True) -> None:
        self.log_stats = log_stats

    def before_train(self, runner) -> None:
        dataset = train_dataset(runner)
        true_freq = dataset.metainfo.get('class_freq_true')
        prior = None if true_freq is None else \
            torch.tensor(true_freq, dtype=torch.float32) / \
            max(sum(true_freq), 1)
        unwrap_model(runner.model).init_state(
            torch.from_numpy(np.asarray(dataset.candidates)), prior)

    def before_train_epoch(self, runner) -> None:
        broadcast_epoch(runner.model, stage_epoch(runner))

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        unwrap_model(runner.model).set_iteration(runner.iter,
                                                 int(runner.seed or 0))

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        commit_states(unwrap_model(runner.model))

    def after_train_epoch(self, runner) -> None:
        if not self.log_stats:
            return
        model = unwrap_model(runner.model)
        dataset = train_dataset(runner)
        stats = self.epoch_stats(model, dataset)
        for key, value in stats.items():
            runner.message_hub.update_scalar(f'train/{key}', value)
        MMLogger.get_current_instance().info(
            'PLL state: ' + ', '.join(f'{k} {v:.4f}' for k, v in
                                      stats.items()))

    @staticmethod
    def epoch_stats(model, dataset) -> dict:
        """Diagnostics of the confidence table and the prior estimate."""
        state = model.state
        top, argmax, num_conf = confidence_summary(state)
        gt = np.asarray(dataset.gt_labels)
        stats = dict(mmc=float(top.mean()),
                     num_conf_candidates=float(num_conf.mean()))
        labelled = gt >= 0
        correct = argmax == gt
        stats['conf_acc'] = float(correct[labelled].mean() * 100)
        split = dataset.metainfo.get('class_split')
        if split:
            for group, classes in split.items():
                sel = labelled & np.isin(gt, list(classes))
                if sel.any():
                    stats[f'conf_acc_{group}'] = float(correct[sel].mean() *
                                                       100)
        true_prior = state.true_prior.cpu().numpy()
        prior = model.prior_estimate()
        if prior is not None and true_prior.sum() > 0:
            report = prior_report(true_prior, prior.cpu().numpy())
            stats.update(prior_entropy=report['entropy'],
                         prior_kl_true=report['kl_true'])
        return stats
