"""Strict checkpoint loading for evaluation and inference.

mmengine's ``Runner`` applies ``load_from`` non-strictly: a checkpoint whose
head (or every key) does not match the model only logs a warning, and the
test then reports the metrics of a partly random model. Fine-tuning keeps
that behaviour; ``tools/test.py`` and :func:`mlc.apis.init_model` load
strictly and stop with one line naming the missing, unexpected and
mis-shaped keys.
"""
import re
from collections import OrderedDict
from typing import Any, Dict, List

import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner.checkpoint import CheckpointLoader

#: keys listed per kind of mismatch before "(+N more)"
_SHOWN = 5


class CheckpointMismatchError(ValueError):
    """A checkpoint's state dict does not match the model's exactly."""


def checkpoint_state_dict(checkpoint: Dict[str, Any]) -> Dict[str, Any]:
    """The model weights of a checkpoint, as mmengine's Runner loads them
    (``state_dict`` entry if present, ``module.`` prefixes stripped, the
    version metadata kept)."""
    state_dict = checkpoint.get('state_dict', checkpoint)
    revised = OrderedDict(
        (re.sub(r'^module\.', '', k), v) for k, v in state_dict.items())
    revised._metadata = getattr(state_dict, '_metadata', OrderedDict())
    return revised


def _listed(keys: List[str]) -> str:
    shown = ', '.join(keys[:_SHOWN])
    more = len(keys) - _SHOWN
    return shown + (f' (+{more} more)' if more > 0 else '')


def load_state_dict_strictly(model: nn.Module, state_dict: Dict[str, Any],
                             filename: str) -> None:
    """Copy ``state_dict`` into ``model``; raise unless it matches exactly.

    Each module loads its part with its own ``_load_from_state_dict`` (as
    ``nn.Module.load_state_dict`` does), so modules that resize a buffer on
    load are not a mismatch. Like mmengine's strict load, a missing
    ``num_batches_tracked`` buffer is not a mismatch either.

    Raises:
        CheckpointMismatchError: One line naming the missing, unexpected and
            mis-shaped keys.
    """
    missing: List[str] = []
    unexpected: List[str] = []
    errors: List[str] = []
    metadata = getattr(state_dict, '_metadata', {})
    given = len(state_dict)  # BatchNorm adds num_batches_tracked on load

    def load(module: nn.Module, prefix: str = '') -> None:
        module._load_from_state_dict(state_dict, prefix,
                                     metadata.get(prefix[:-1], {}), True,
                                     missing, unexpected, errors)
        for name, child in module._modules.items():
            if child is not None:
                load(child, f'{prefix}{name}.')

    load(model)
    missing = [k for k in missing if 'num_batches_tracked' not in k]
    if not (missing or unexpected or errors):
        return
    parts = []
    if len(unexpected) == given:
        parts.append(f'none of its {given} keys is a key of the '
                     'model (is it a checkpoint of this config?)')
    if missing:
        parts.append(f'missing keys: {_listed(missing)}')
    if unexpected:
        parts.append(f'unexpected keys: {_listed(unexpected)}')
    if errors:
        parts.append(_listed([' '.join(e.split()) for e in errors]))
    raise CheckpointMismatchError(
        f'checkpoint {filename!r} does not match the model: '
        + '; '.join(parts))


def load_checkpoint_strictly(model: nn.Module, filename: str,
                             map_location: Any = 'cpu') -> Dict[str, Any]:
    """Load a checkpoint (weights only) into ``model``, all keys matching.

    Returns:
        dict: The loaded checkpoint.
    """
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location)
    load_state_dict_strictly(model, checkpoint_state_dict(checkpoint),
                             filename)
    return checkpoint


class StrictLoadHook(Hook):
    """Make a Runner's ``load_from`` fail on any mismatching key.

    Register it with the lowest priority, so that it sees the checkpoint
    after every other hook's ``after_load_checkpoint``. It loads the weights
    strictly itself (the Runner's own non-strict load that follows copies
    the same values again). Every rank checks, so all ranks stop.

    Args:
        filename (str): Checkpoint name used in the error message.
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        load_state_dict_strictly(model, checkpoint_state_dict(checkpoint),
                                 self.filename)
