"""Collect the per-sample probabilities of a scoring pass (DDP-safe)."""
import os
import os.path as osp
from typing import List, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mlc.registry import METRICS


@METRICS.register_module()
class LabelIssueScores(BaseMetric):
    """Write ``sample_idx`` (N,) int64 and ``pred_score`` (N, C) float32 of
    the evaluated set to ``out_file`` (numpy ``.npz``, no pickle).

    Only the scores are kept (no targets): one float32 row per sample on
    each rank, gathered on rank 0 by mmengine. The duplicates that the
    distributed sampler pads are dropped by ``sample_idx``, so every sample
    is written exactly once, in ``sample_idx`` order. Returns no metric.

    Args:
        out_file (str): Destination ``.npz`` path.
    """

    default_prefix = 'label_issues'

    def __init__(self, out_file: str, **kwargs) -> None:
        super().__init__(**kwargs)
        if not out_file.endswith('.npz'):
            raise ValueError(f'LabelIssueScores: out_file must end in .npz, '
                             f'got {out_file}')
        self.out_file = out_file

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(
                (int(sample['sample_idx']),
                 sample['pred_score'].detach().cpu().numpy().astype(
                     np.float32)))

    def compute_metrics(self, results: List[tuple]) -> dict:
        by_idx = dict(results)
        order = np.fromiter(sorted(by_idx), dtype=np.int64,
                            count=len(by_idx))
        scores = np.empty((len(order), len(by_idx[int(order[0])])),
                          dtype=np.float32)
        for row, idx in enumerate(order.tolist()):
            scores[row] = by_idx.pop(idx)
        os.makedirs(osp.dirname(osp.abspath(self.out_file)), exist_ok=True)
        tmp = self.out_file[:-4] + '.tmp.npz'
        np.savez(tmp, sample_idx=order, pred_score=scores)
        os.replace(tmp, self.out_file)
        MMLogger.get_current_instance().info(
            f'LabelIssueScores: {len(order)} samples to {self.out_file}')
        return {}
