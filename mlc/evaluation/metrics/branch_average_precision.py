"""mAP of one branch of a multi-branch model (e.g. co-learning R or B)."""
from typing import Any, Optional, Sequence

from mmengine.structures import BaseDataElement

from mlc.registry import METRICS
from .mlc_average_precision import MLCAveragePrecision, pack_sample


@METRICS.register_module()
class BranchAveragePrecision(MLCAveragePrecision):
    """:class:`MLCAveragePrecision` of the scores in
    ``pred_score_<branch>`` (instead of the fused ``pred_score``); metric
    names are prefixed with ``<branch>`` (``random/mAP``,
    ``random/mAP_few``, ...).

    Args:
        branch (str): Branch name, e.g. ``'random'`` or ``'balanced'``.
        prefix (str, optional): Metric prefix; defaults to ``branch``.
        **kwargs: :class:`MLCAveragePrecision` arguments.
    """

    def __init__(self, branch: str, prefix: Optional[str] = None,
                 **kwargs) -> None:
        super().__init__(prefix=prefix or branch, **kwargs)
        self.key = f'pred_score_{branch}'

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if isinstance(sample, BaseDataElement):
                sample = sample.to_dict()
            if self.key not in sample:
                raise KeyError(f'BranchAveragePrecision: samples have no '
                               f'"{self.key}" (is the model multi-branch?)')
            self.results.append(pack_sample(dict(sample,
                                                 pred_score=sample[self.key])))
