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
    """Write ``sample_idx`` (N,) int64, ``pred_score`` (N, C) float32 and,
    with ``with_targets``, ``gt_score`` (N, C) of the evaluated set to
    ``out_file`` (a numpy ``.npz``, no pickle).

    One row per sample on each rank, gathered on rank 0 by mmengine. The
    duplicates that the distributed sampler pads are dropped by
    ``sample_idx`` and rows are sorted by it, so every sample is written
    exactly once. The file is written to a temporary name and renamed into
    place. Returns no metric.

    Args:
        out_file (str): Destination ``.npz`` path.
        with_targets (bool): Also write the observed targets ``gt_score``
            (``tools/test.py --out``); False keeps only the scores (the
            label-issue scoring pass). Defaults to True.
    """

    default_prefix = 'dump'

    def __init__(self, out_file: str, with_targets: bool = True,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if not out_file.endswith('.npz'):
            raise ValueError(f'DumpPredictions: out_file must end in .npz, '
                             f'got {out_file}')
        self.out_file = out_file
        self.with_targets = with_targets

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            row = (int(sample['sample_idx']),
                   sample['pred_score'].detach().float().cpu().numpy())
            if self.with_targets:
                row += (sample['gt_score'].float().cpu().numpy(), )
            self.results.append(row)

    def compute_metrics(self, results: List[tuple]) -> dict:
        by_idx = {row[0]: row[1:] for row in results}
        order = sorted(by_idx)
        arrays = dict(sample_idx=np.asarray(order, dtype=np.int64),
                      pred_score=np.stack([by_idx[i][0] for i in order]))
        if self.with_targets:
            arrays['gt_score'] = np.stack([by_idx[i][1] for i in order])
        os.makedirs(osp.dirname(osp.abspath(self.out_file)), exist_ok=True)
        tmp = self.out_file[:-len('.npz')] + '.tmp.npz'
        np.savez(tmp, **arrays)
        os.replace(tmp, self.out_file)
        MMLogger.get_current_instance().info(
            f'Saved predictions of {len(order)} samples to {self.out_file}')
        return {}
