"""mAP that keeps only the labelled entries (partial labels at scale)."""
from typing import List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mlc.registry import METRICS
from ..functional.average_precision import (
    entries_average_precision,
    mean_average_precision,
)
from .mlc_average_precision import pack_sample


@METRICS.register_module()
class LabelledAveragePrecision(BaseMetric):
    """mAP over the labelled (target ≠ −1) entries only, for test sets such
    as Open Images (125k × 9,605): each sample keeps the scores of its
    labelled classes (a few), never its (C,) scores, so memory stays
    bounded. The numbers equal :class:`MLCAveragePrecision`'s ``mAP`` and
    ``num_empty_classes`` (same AP, same empty-class rule, duplicates of a
    ``sample_idx`` from a padded distributed sampler dropped).

    Args:
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): Metric name prefix (default
            ``'multi-label'``).
    """

    default_prefix: Optional[str] = 'multi-label'

    def process(self, data_batch, data_samples: Sequence) -> None:
        """Keep (class ids, scores, targets) of each sample's labelled
        entries."""
        for sample in data_samples:
            packed = pack_sample(sample)
            target = packed['gt_score']
            cols = np.flatnonzero(target != -1)
            self.results.append(dict(
                cols=cols.astype(np.int32),
                scores=packed['pred_score'][cols],
                targets=target[cols].astype(np.int8),
                num_classes=target.size,
                sample_idx=packed['sample_idx']))

    def compute_metrics(self, results: List[dict]) -> dict:
        """``mAP`` (×100) and ``num_empty_classes``."""
        seen, kept = set(), []
        for res in results:
            idx = res['sample_idx']
            if idx is None or idx not in seen:
                kept.append(res)
                if idx is not None:
                    seen.add(idx)
        if not kept:
            raise ValueError(f'{type(self).__name__}: no predictions were '
                             'processed (empty evaluation set?)')
        num_classes = kept[0]['num_classes']
        ap, _ = entries_average_precision(
            np.concatenate([r['cols'] for r in kept]),
            np.concatenate([r['scores'] for r in kept]),
            np.concatenate([r['targets'] for r in kept]), num_classes)
        mean_ap, num_empty = mean_average_precision(ap)
        return {'mAP': mean_ap, 'num_empty_classes': num_empty}
