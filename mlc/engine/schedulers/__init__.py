"""Parameter schedulers."""
from .one_cycle_momentum import OneCycleMomentum

__all__ = ['OneCycleMomentum']
from .group_step_lr import GroupStepLR  # noqa: E402
__all__ += ['GroupStepLR']
