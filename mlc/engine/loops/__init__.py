"""Training loops."""
from .dual_loader_loop import DualLoaderEpochBasedTrainLoop
from .two_stage_train_loop import TwoStageTrainLoop

__all__ = ['DualLoaderEpochBasedTrainLoop', 'TwoStageTrainLoop']
