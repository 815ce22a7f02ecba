"""Top-k accuracy of partial-label classifiers, overall and per shot group."""
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mlc.evaluation.functional.shot_groups import load_class_split
from mlc.registry import METRICS


def pll_accuracy(scores: np.ndarray, labels: np.ndarray,
                 topk: Sequence[int] = (1, 5),
                 class_split: Optional[dict] = None) -> Dict[str, float]:
    """Sample-weighted top-k accuracy and per-group mean class accuracy.

    Args:
        scores (np.ndarray): (N, C) scores.
        labels (np.ndarray): (N,) true classes.
        topk (Sequence[int]): k values (clipped to C).
        class_split (dict, optional): ``{"many","medium","few"}`` class
            lists; each group's value is the mean top-1 accuracy of its
            classes that have test samples.

    Returns:
        dict: ``top{k}`` (×100), ``top1_{group}`` (×100), ``top1_classmean``.
    """
    num, num_classes = scores.shape
    if labels.shape != (num, ) or (labels < 0).any() or \
            (labels >= num_classes).any():
        raise ValueError('pll_accuracy: labels must be (N,) class ids in '
                         f'[0, {num_classes})')
    kmax = min(max(topk), num_classes)
    order = np.argsort(-scores, axis=1, kind='stable')[:, :kmax]
    hits = order == labels[:, None]
    out = {f'top{k}': float(hits[:, :min(k, num_classes)].any(1).mean() *
                            100) for k in topk}
    correct = hits[:, 0]
    count = np.bincount(labels, minlength=num_classes)
    per_class = np.bincount(labels, weights=correct,
                            minlength=num_classes) / np.maximum(count, 1)
    present = count > 0
    out['top1_classmean'] = float(per_class[present].mean() * 100)
    for group, classes in (class_split or {}).items():
        classes = [c for c in classes if present[c]]
        out[f'top1_{group}'] = float(per_class[classes].mean() * 100) \
            if classes else float('nan')
    return out


@METRICS.register_module()
class PLLAccuracy(BaseMetric):
    """PLL test accuracy (docs/conventions.md section 7): top-1/top-5 over all
    samples
    (sample-weighted, not a mean of batch accuracies) and, per shot group,
    the mean per-class top-1 accuracy. Keys ``pll/top1``, ``pll/top5``,
    ``pll/top1_many``, ``pll/top1_medium``, ``pll/top1_few``,
    ``pll/top1_classmean``.

    The split comes from ``class_split`` or the evaluated dataset's
    ``class_split`` metainfo (pinned in the config; never recomputed from the
    test set).

    Args:
        topk (Sequence[int]): k values. Defaults to (1, 5).
        class_split (dict | str, optional): Group class lists or JSON path.
        collect_device (str): Device for collecting results across ranks.
        prefix (str, optional): Metric prefix. Defaults to ``'pll'``.
    """

    default_prefix: Optional[str] = 'pll'

    def __init__(self, topk: Sequence[int] = (1, 5),
                 class_split: Optional[Union[dict, str]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.topk = tuple(topk)
        self.class_split = class_split

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            label = sample['gt_label']
            if isinstance(label, torch.Tensor):
                label = label.reshape(-1)
                if label.numel() != 1:
                    raise ValueError('PLLAccuracy: gt_label must hold the one '
                                     'true class of a PLL sample')
                label = int(label[0])
            self.results.append((sample['pred_score'].float().cpu().numpy(),
                                 int(label)))

    def compute_metrics(self, results: List) -> Dict[str, float]:
        scores = np.stack([r[0] for r in results])
        labels = np.array([r[1] for r in results], dtype=np.int64)
        split = self.class_split
        if split is None:
            split = (self.dataset_meta or {}).get('class_split')
        if split is not None:
            split = load_class_split(split, scores.shape[1])
        else:
            MMLogger.get_current_instance().warning(
                'PLLAccuracy: no class_split; only overall accuracy')
        return pll_accuracy(scores, labels, self.topk, split)
