"""Save per-sample predictions of a test run to a ``.npz`` file."""
import os
import os.path as osp
from typing import List, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mlc.registry import METRICS


@METRICS.register_module()
class DumpPredictions(BaseMetric):
    """Write ``sample_idx`` (N,), ``pred_score`` (N, C) and ``gt_score``
    (N, C) of the evaluated set to ``out_file`` (a numpy ``.npz``, no pickle).

    Duplicates added by distributed padding are removed by ``sample_idx``
    and rows are sorted by it. Returns no metric.

    Args:
        out_file (str): Destination ``.npz`` path.
    """

    default_prefix = 'dump'

    def __init__(self, out_file: str, **kwargs) -> None:
        super().__init__(**kwargs)
        if not out_file.endswith('.npz'):
            raise ValueError(f'DumpPredictions: out_file must end in .npz, '
                             f'got {out_file}')
        self.out_file = out_file

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(
                (int(sample['sample_idx']),
                 sample['pred_score'].float().cpu().numpy(),
                 sample['gt_score'].float().cpu().numpy()))

    def compute_metrics(self, results: List[tuple]) -> dict:
        by_idx = {idx: (score, gt) for idx, score, gt in results}
        order = sorted(by_idx)
        os.makedirs(osp.dirname(osp.abspath(self.out_file)), exist_ok=True)
        np.savez(self.out_file,
                 sample_idx=np.asarray(order, dtype=np.int64),
                 pred_score=np.stack([by_idx[i][0] for i in order]),
                 gt_score=np.stack([by_idx[i][1] for i in order]))
        MMLogger.get_current_instance().info(
            f'Saved predictions of {len(order)} samples to {self.out_file}')
        return {}
