"""Step decay with a different period per named parameter group."""
from typing import Dict

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, StepParamScheduler

from mlc.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class GroupStepLR(LRSchedulerMixin, StepParamScheduler):
    """Multiply the lr of each group by ``gamma`` every ``step_sizes[name]``
    steps (epochs with ``by_epoch=True``), ``name`` being the group's
    ``name`` key (set by :class:`ComicOptimWrapperConstructor`). A named
    group without an entry raises; unnamed groups (mmengine's ``base_lr``
    logging group) keep their value. Decays happen after ``step`` full
    epochs (the official code stepped one epoch early).

    Args:
        optimizer: Wrapped optimiser.
        step_sizes (dict): Group name → period.
        gamma (float): Decay factor. Defaults to 0.1.
        begin, end, last_step, by_epoch, verbose: As mmengine's StepLR.
    """

    def __init__(self, optimizer, step_sizes: Dict[str, int],
                 gamma: float = 0.1, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False) -> None:
        self.step_sizes = dict(step_sizes)
        groups = getattr(optimizer, 'optimizer', optimizer).param_groups
        names = [g.get('name') for g in groups]
        missing = [n for n in names
                   if n is not None and n not in self.step_sizes]
        if missing:
            raise ValueError(f'GroupStepLR: no step size for parameter '
                             f'group(s) {missing}; groups are {names}')
        super().__init__(optimizer, step_size=1, gamma=gamma, begin=begin,
                         end=end, last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    def _get_value(self):
        values = []
        for group in self.optimizer.param_groups:
            value = group[self.param_name]
            step = self.step_sizes.get(group.get('name'))
            if step and self.last_step != 0 and self.last_step % step == 0:
                value = value * self.gamma
            values.append(value)
        return values
