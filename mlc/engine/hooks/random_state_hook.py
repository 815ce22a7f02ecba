"""Carry the global RNG states across epochs and checkpoints."""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook

from mlc.registry import HOOKS


def get_states() -> dict:
    return dict(python=random.getstate(), numpy=np.random.get_state(),
                torch=torch.get_rng_state())


def set_states(states: dict) -> None:
    random.setstate(states['python'])
    np.random.set_state(states['numpy'])
    torch.set_rng_state(states['torch'])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Make resumed runs continue bit-identically when training draws
    random numbers (augmentation, dropout).

    At the end of each training epoch the (python, numpy, torch CPU) RNG
    states of every rank are captured and saved in checkpoints under
    ``checkpoint['mlc_state']['rng_states']``; each epoch starts from the
    captured states, in an uninterrupted run (so validation draws do not
    leak into training) as in a resumed one. States are restored, never
    re-seeded. A resume with another world size keeps the current states
    (logged).
    """

    # before CheckpointHook (VERY_LOW), so checkpoints hold this epoch's states
    priority = 'LOW'

    def __init__(self) -> None:
        self.states: Optional[list] = None

    def after_train_epoch(self, runner) -> None:
        self.states = all_gather_object(get_states())

    def before_train_epoch(self, runner) -> None:
        if self.states is not None:
            set_states(self.states[get_rank()])

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.states is not None:
            checkpoint.setdefault('mlc_state', {})['rng_states'] = self.states

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        states = checkpoint.get('mlc_state', {}).get('rng_states')
        if states is None:
            return
        if len(states) != get_world_size():
            runner.logger.warning(
                f'RandomStateHook: checkpoint has RNG states of {len(states)} '
                f'ranks, the run has {get_world_size()}; not restored')
            return
        self.states = states
