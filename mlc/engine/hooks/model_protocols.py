"""How hooks reach the model and the training labels (docs/conventions.md,
section 8).

Hooks talk to a model only through documented public methods. Three
protocols are shared by every family:

- **Epoch-dependent components**: a module whose behaviour depends on the
  training epoch defines ``set_epoch(epoch: int)`` (0-based, counted within
  the current stage of a ``TwoStageTrainLoop``; idempotent).
  :func:`broadcast_epoch` calls it on every such module before each training
  epoch; resume restores ``runner.epoch``, so nothing else is saved.
- **Class statistics**: a module that needs statistics of the observed
  training labels defines ``set_training_stats(stats: ClassStats)``;
  :func:`push_training_stats` (re-exported here) calls it on every such
  module before training.
- **Per-sample state**: a :class:`~mlc.models.utils.PerSampleState` stages
  rows during a step; :func:`commit_states` (re-exported here) commits every
  state of the model after the optimiser step.
"""
from typing import List

import torch.nn as nn
from mmengine.model import is_model_wrapper

from mlc.datasets.label_store import LabelStore, find_label_store
from mlc.models.utils.class_stats import ClassStats, push_training_stats
from mlc.models.utils.per_sample_state import commit_states

__all__ = ['ClassStats', 'broadcast_epoch', 'commit_states', 'stage_epoch',
           'push_training_stats', 'train_label_store', 'unwrap_model']


def unwrap_model(model: nn.Module) -> nn.Module:
    """The model inside a DDP/FSDP wrapper (or the model itself)."""
    return model.module if is_model_wrapper(model) else model


def train_label_store(runner, owner: str) -> LabelStore:
    """The label store of the runner's training dataset (through dataset
    wrappers); raises naming ``owner`` when there is none."""
    dataset = runner.train_dataloader.dataset
    store = find_label_store(dataset)
    if store is None:
        raise TypeError(f'{owner}: the training dataset '
                        f'{type(dataset).__name__} has no label_store (use '
                        'an MLCDataset)')
    return store


def stage_epoch(runner) -> int:
    """0-based epoch within the current training stage (``runner.epoch``
    unless the loop has a ``stage_start_epoch``, as ``TwoStageTrainLoop``)."""
    loop = getattr(runner, 'train_loop', None)
    return runner.epoch - getattr(loop, 'stage_start_epoch', 0)


def broadcast_epoch(model: nn.Module, epoch: int) -> List[nn.Module]:
    """Call ``set_epoch(epoch)`` on every module of ``model`` that defines
    it; returns those modules."""
    modules = [m for m in unwrap_model(model).modules()
               if callable(getattr(m, 'set_epoch', None))]
    for module in modules:
        module.set_epoch(epoch)
    return modules
