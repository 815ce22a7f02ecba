"""Seed statistics of the matrix cells (what tables, claims and figures
share)."""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

#: (block, row, column) of a cell
Key = Tuple[str, str, str]
#: cell -> results of the finished seeds
Results = Dict[Key, List[Dict[str, Any]]]


@dataclass(frozen=True)
class Stat:
    """Mean and population std over run seeds of one metric of one cell."""
    mean: float
    std: float
    n: int

    def text(self, digits: int = 1) -> str:
        """``mean ± std``, or ``mean (n=1)`` for a single seed."""
        if self.n == 1:
            return f'{self.mean:.{digits}f} (n=1)'
        return f'{self.mean:.{digits}f} ± {self.std:.{digits}f}'


#: evaluator prefixes of a run's own output; any other prefix (a branch's
#: ``balanced/mAP``) is read only by its full name, never as the cell's
OUTPUT_PREFIXES = ('multi-label', 'pll', 'plain')


def metric(result: Dict[str, Any], key: str) -> Optional[float]:
    """Test metric ``key`` of one run's result: a full name (``random/mAP``)
    or a name without prefix (``mAP``: the run's own output,
    :data:`OUTPUT_PREFIXES`)."""
    metrics = result.get('metrics', {})
    for name in (key, *(f'{prefix}/{key}' for prefix in OUTPUT_PREFIXES)):
        if name in metrics:
            value = metrics[name]
            return None if value is None else float(value)
    return None


def stat(runs: List[Dict[str, Any]], key: str) -> Optional[Stat]:
    """Mean ± std of ``key`` over the runs that report it (None: none)."""
    values = [v for v in (metric(r, key) for r in runs) if v is not None]
    if not values:
        return None
    return Stat(float(np.mean(values)), float(np.std(values)), len(values))


def epochs(runs: List[Dict[str, Any]], cap: int) -> Optional[str]:
    """``trained (best)`` epochs, means over the seeds; ``*`` when a seed
    stopped at the ``cap`` with its best epoch last (maybe still
    improving)."""
    trained = [r['epochs'] for r in runs if r.get('epochs') is not None]
    best = [r['best_epoch'] for r in runs if r.get('best_epoch') is not None]
    if not trained:
        return None
    text = f'{np.mean(trained):.3g}'
    if best:
        text += f' ({np.mean(best):.3g})'
    capped = any(r.get('epochs') == cap and r.get('best_epoch') == cap
                 for r in runs)
    return text + ('*' if capped else '')


@dataclass(frozen=True)
class Delta:
    """``a - b`` of two cells' means and the larger of their seed stds."""
    value: float
    std: float
    n: int

    @property
    def significant(self) -> bool:
        """Both cells have >= 2 seeds and |delta| exceeds the seed std."""
        return self.n >= 2 and abs(self.value) > self.std


def delta(a: Optional[Stat], b: Optional[Stat]) -> Optional[Delta]:
    """``a - b`` (None when either is missing); ``n`` the smaller count."""
    if a is None or b is None:
        return None
    return Delta(a.mean - b.mean, max(a.std, b.std), min(a.n, b.n))
