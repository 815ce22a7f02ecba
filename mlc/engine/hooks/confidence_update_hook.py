"""Sizes, commits and logs the per-sample state of the PLL methods."""
from typing import Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import MMLogger
from mmengine.model import is_model_wrapper

from mlc.registry import HOOKS


def unwrap(model):
    return model.module if is_model_wrapper(model) else model


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


@HOOKS.register_module()
class ConfidenceUpdateHook(Hook):
    """State hook of ``PLLClassifier`` (CORR, RECORDS, PRODEN, SoLar).

    - ``before_train``: sizes ``model.state`` from the training set's
      candidate sets (uniform confidences) unless a checkpoint already filled
      it; stores the true class frequencies (logging / Oracle-LA only).
    - ``before_train_iter``: tells the model the epoch (within the current
      stage of a ``TwoStageTrainLoop``), the iteration and the run seed.
    - ``after_train_iter``: commits the step's confidence rows (all_gather of
      sample indices + rows, applied in rank order), feature mean and queue
      rows, so every rank holds identical state.
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
        model = unwrap(runner.model)
        dataset = train_dataset(runner)
        cand = torch.from_numpy(np.asarray(dataset.candidates))
        state = model.state
        if state.num_samples == 0:
            true_freq = dataset.metainfo.get('class_freq_true')
            prior = None if true_freq is None else \
                torch.tensor(true_freq, dtype=torch.float32) / \
                max(sum(true_freq), 1)
            state.initialize(cand, prior, getattr(model.head, 'queue_length',
                                                  0))
            return
        if tuple(state.init_mask.shape) != tuple(cand.shape) or not \
                torch.equal(state.init_mask.cpu(), cand.to(torch.uint8)):
            raise RuntimeError(
                'ConfidenceUpdateHook: the loaded state was made for other '
                f'candidate sets ({tuple(state.init_mask.shape)} vs the '
                f'dataset {tuple(cand.shape)})')

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        model = unwrap(runner.model)
        model.train_epoch = runner.epoch - getattr(runner.train_loop,
                                                   'stage_start_epoch', 0)
        model.train_iter = runner.iter
        model.rng_seed = int(runner.seed or 0)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        unwrap(runner.model).state.commit()

    def after_train_epoch(self, runner) -> None:
        if not self.log_stats:
            return
        model = unwrap(runner.model)
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
        conf = state.conf.float().cpu().numpy()
        gt = np.asarray(dataset.gt_labels)
        stats = dict(mmc=float(conf.max(1).mean()),
                     num_conf_candidates=float((conf > 1e-3).sum(1).mean()))
        labelled = gt >= 0
        correct = conf.argmax(1) == gt
        stats['conf_acc'] = float(correct[labelled].mean() * 100)
        split = dataset.metainfo.get('class_split')
        if split:
            for group, classes in split.items():
                sel = labelled & np.isin(gt, list(classes))
                if sel.any():
                    stats[f'conf_acc_{group}'] = float(correct[sel].mean() *
                                                       100)
        true_prior = state.true_prior.cpu().numpy()
        head = model.head
        prior = None
        if getattr(head, 'queue_length', None) is not None:
            prior = state.prior.cpu().numpy()  # SoLar r̂
        elif state.feat_mean.numel():
            prior = head.estimated_prior(state.feat_mean).cpu().numpy()
        if prior is not None and true_prior.sum() > 0:
            report = prior_report(true_prior, prior)
            stats.update(prior_entropy=report['entropy'],
                         prior_kl_true=report['kl_true'])
        return stats
