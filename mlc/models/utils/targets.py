"""Observed training targets of multi-label data samples."""
from typing import List

import torch
from mmpretrain.structures import DataSample


def stack_targets(data_samples: List[DataSample],
                  num_classes: int) -> torch.Tensor:
    """(B, C) observed targets in {1, 0, -1} from ``gt_score``."""
    if 'gt_score' not in data_samples[0]:
        raise KeyError('multi-label heads need `gt_score` in every data '
                       'sample (the observed {1, 0, -1} labels); pack it '
                       'with PackInputs from an MLCDataset')
    target = torch.stack([s.gt_score for s in data_samples]).float()
    if target.shape[1] != num_classes:
        raise ValueError(f'targets have {target.shape[1]} classes, the head '
                         f'{num_classes}')
    return target
