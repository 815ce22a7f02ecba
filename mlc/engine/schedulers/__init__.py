"""Parameter schedulers."""
from .group_step_lr import GroupStepLR
from .one_cycle_momentum import OneCycleMomentum

__all__ = [
    'GroupStepLR', 'OneCycleMomentum'
]
