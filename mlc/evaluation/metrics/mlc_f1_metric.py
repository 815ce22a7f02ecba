"""CF1/OF1 and macro-F1 at a fixed or per-class threshold
(docs/conventions.md section 7)."""
from typing import Dict, List, Optional, Sequence, Union

import mmengine
import numpy as np
from mmengine.logging import print_log

from mlc.registry import METRICS
from ..functional import F1_KEYS, multilabel_f1, tune_thresholds
from .mlc_average_precision import (
    PackedSampleMetric,
    dump_json,
    stack_results,
)


def load_thresholds(thresholds: Union[Sequence[float], str]) -> np.ndarray:
    """Per-class thresholds from a sequence or a JSON file holding a list or
    a dict with key ``thresholds`` (as written with ``save_thresholds``).

    Returns:
        np.ndarray: (C,) float64.
    """
    if isinstance(thresholds, str):
        thresholds = mmengine.load(thresholds, file_format='json')
        if isinstance(thresholds, dict):
            thresholds = thresholds['thresholds']
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if thresholds.ndim != 1:
        raise ValueError(f'thresholds must be 1-D, got {thresholds.shape}')
    return thresholds


@METRICS.register_module()
class MLCF1Metric(PackedSampleMetric):
    """CP, CR, CF1, OP, OR, OF1 and ``macro_f1`` (×100) of sigmoid scores.

    A score is predicted positive when ≥ ``thr``; −1 targets are ignored;
    class means run over all C classes with the max(·, 1) denominators of
    docs/conventions.md section 7. Samples are de-duplicated by ``sample_idx``.

    Per-class thresholds: ``thresholds`` (tuned on a val split, e.g. written
    by a val-set metric with ``save_thresholds=True``) adds the same numbers
    with prefix ``tuned_``. ``report_oracle=True`` tunes thresholds on the
    evaluated set itself (``tune_thresholds``) and adds them with prefix
    ``oracle_``; on a test set those numbers are optimistic by construction.

    Args:
        thr (float): global threshold. Default 0.5.
        thresholds (Sequence[float] | str, optional): (C,) per-class
            thresholds or a JSON path (list, or dict with ``thresholds``).
        report_oracle (bool): also report ``oracle_*`` numbers.
        save_thresholds (bool): tune thresholds on the evaluated set and write
            ``{prefix}_thresholds.json`` (keys ``thresholds``, ``classes``) to
            ``out_dir`` or the log directory, for use on the test set.
        out_dir (str, optional): directory for ``save_thresholds``.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): metric name prefix; default
            ``'multi-label'``.
    """
    default_prefix: Optional[str] = 'multi-label'

    def __init__(self,
                 thr: float = 0.5,
                 thresholds: Optional[Union[Sequence[float], str]] = None,
                 report_oracle: bool = False,
                 save_thresholds: bool = False,
                 out_dir: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.thr = thr
        self.thresholds = (None if thresholds is None else
                           load_thresholds(thresholds))
        self.report_oracle = report_oracle
        self.save_thresholds = save_thresholds
        self.out_dir = out_dir

    def tune_thresholds(self, scores: np.ndarray,
                        targets: np.ndarray) -> np.ndarray:
        """Per-class thresholds maximising per-class F1 on (N, C) ``scores``
        and ``targets`` (−1 ignored); classes without positives keep
        ``thr``. Returns (C,) float64."""
        return tune_thresholds(scores, targets, default=self.thr)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Compute the F1 family at ``thr`` and, when configured, at the
        val-tuned (``tuned_*``) and evaluated-set-tuned (``oracle_*``)
        per-class thresholds. All values ×100."""
        scores, targets, _ = stack_results(results)
        num_classes = scores.shape[1]
        metrics = self._scaled(multilabel_f1(scores, targets, self.thr), '')
        if self.thresholds is not None:
            if len(self.thresholds) != num_classes:
                raise ValueError(f'{len(self.thresholds)} thresholds for '
                                 f'{num_classes} classes')
            metrics.update(self._scaled(
                multilabel_f1(scores, targets, self.thresholds), 'tuned_'))
        if self.report_oracle or self.save_thresholds:
            oracle = self.tune_thresholds(scores, targets)
            if self.report_oracle:
                metrics.update(self._scaled(
                    multilabel_f1(scores, targets, oracle), 'oracle_'))
            if self.save_thresholds:
                self._save(oracle)
        print_log(
            f'{type(self).__name__}: ' +
            ', '.join(f'{k}={v:.2f}' for k, v in metrics.items()),
            logger='current')
        return metrics

    @staticmethod
    def _scaled(values: Dict[str, float], key_prefix: str) -> Dict[str, float]:
        return {f'{key_prefix}{k}': values[k] * 100 for k in F1_KEYS}

    def _save(self, thresholds: np.ndarray) -> None:
        names = (self.dataset_meta or {}).get('classes')
        name = (f'{self.prefix.replace("/", "_")}_thresholds.json'
                if self.prefix else 'thresholds.json')
        path = dump_json(
            dict(thresholds=thresholds.tolist(),
                 classes=None if names is None else list(names)),
            self.out_dir, name)
        if path is not None:
            print_log(f'per-class thresholds written to {path}',
                      logger='current')
