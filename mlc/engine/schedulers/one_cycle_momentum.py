"""One-cycle momentum (beta1 for Adam), the companion of OneCycleLR."""
import math
from typing import List, Optional

from mmengine.optim.scheduler.momentum_scheduler import MomentumSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

from mlc.registry import PARAM_SCHEDULERS


class OneCycleMomentumParamScheduler(_ParamScheduler):
    """Momentum half of the 1cycle policy (torch ``OneCycleLR``'s
    ``cycle_momentum``): ``max_momentum`` -> ``base_momentum`` while the LR
    rises (``pct_start`` of ``total_steps``), then back to ``max_momentum``.

    Phase boundaries equal mmengine's ``OneCycleLR`` (and torch's), so a
    :class:`OneCycleMomentum` with the same ``total_steps``/``pct_start``
    moves in lockstep with the LR.

    Args:
        optimizer: Optimizer or optimizer wrapper.
        param_name (str): ``'momentum'``.
        base_momentum (float): Momentum at the LR peak. Defaults to 0.85.
        max_momentum (float): Momentum at the start and end. Defaults to 0.95.
        total_steps (int, optional): Steps of the cycle (epochs if
            ``by_epoch``; converted with ``convert_to_iter_based``); defaults
            to ``end - begin``. Set it explicitly when the run stops early.
        pct_start (float): Fraction of the rising phase. Defaults to 0.3.
        anneal_strategy (str): ``'cos'`` or ``'linear'``.
        begin, end, last_step, by_epoch, verbose: As mmengine schedulers.
    """

    def __init__(self,
                 optimizer,
                 param_name: str,
                 base_momentum: float = 0.85,
                 max_momentum: float = 0.95,
                 total_steps: Optional[int] = None,
                 pct_start: float = 0.3,
                 anneal_strategy: str = 'cos',
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = True,
                 verbose: bool = False) -> None:
        if total_steps is None:
            total_steps = end - begin
        if not isinstance(total_steps, int) or total_steps <= 0:
            raise ValueError('OneCycleMomentum: total_steps must be a '
                             f'positive int, got {total_steps}')
        if not 0. < pct_start < 1.:
            raise ValueError('OneCycleMomentum: pct_start must be in (0, 1), '
                             f'got {pct_start}')
        if anneal_strategy not in ('cos', 'linear'):
            raise ValueError("OneCycleMomentum: anneal_strategy must be 'cos' "
                             f"or 'linear', got {anneal_strategy!r}")
        self.base_momentum = base_momentum
        self.max_momentum = max_momentum
        self.total_steps = total_steps
        self.peak_step = float(pct_start * total_steps) - 1
        self.anneal_strategy = anneal_strategy
        super().__init__(optimizer, param_name, begin=begin, end=end,
                         last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args, begin=0, end=INF, total_steps=None,
                              by_epoch=True, epoch_length=None, **kwargs):
        """Iter-based instance from an epoch-based config."""
        if not by_epoch or not epoch_length:
            raise ValueError('OneCycleMomentum: convert_to_iter_based needs '
                             'by_epoch=True and a known epoch length')
        begin = int(begin * epoch_length)
        if end != INF:
            end = int(end * epoch_length)
        if total_steps is not None:
            total_steps = total_steps * epoch_length
        return cls(*args, begin=begin, end=end, total_steps=total_steps,
                   by_epoch=False, **kwargs)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == 'linear':
            return start + (end - start) * pct
        return end + (start - end) / 2. * (math.cos(math.pi * pct) + 1)

    def _get_value(self) -> List[float]:
        step = self.last_step
        if step > self.total_steps:
            raise ValueError(f'OneCycleMomentum: stepped {step + 1} times, '
                             f'total_steps is {self.total_steps}')
        if step <= self.peak_step:
            pct = step / self.peak_step if self.peak_step > 0 else 1.
            value = self._anneal(self.max_momentum, self.base_momentum, pct)
        else:
            value = self._anneal(
                self.base_momentum, self.max_momentum,
                (step - self.peak_step) /
                (self.total_steps - 1 - self.peak_step))
        return [value for _ in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class OneCycleMomentum(MomentumSchedulerMixin, OneCycleMomentumParamScheduler):
    """One-cycle momentum; schedules ``betas[0]`` of Adam-type optimisers.

    Example (the Hill/SPLC/ASL recipe, 80-epoch cycle stopped at 31)::

        param_scheduler = [
            dict(type='OneCycleLR', eta_max=1e-4, total_steps=80,
                 pct_start=0.2, by_epoch=True, convert_to_iter_based=True),
            dict(type='OneCycleMomentum', base_momentum=0.85,
                 max_momentum=0.95, total_steps=80, pct_start=0.2,
                 by_epoch=True, convert_to_iter_based=True),
        ]
    """
