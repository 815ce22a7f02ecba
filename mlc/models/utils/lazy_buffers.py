"""Buffers sized at training time and restored from checkpoints."""
from typing import Iterable

import torch
import torch.nn as nn


def resize_buffers_from(module: nn.Module, state_dict: dict, prefix: str,
                        names: Iterable[str]) -> None:
    """Give ``module``'s buffers ``names`` the shapes of their checkpoint
    entries (zero-filled, on the buffer's device) before they are loaded.

    Per-sample state is sized from the training set when training starts;
    a module built for testing or before resuming is still empty, and
    ``load_state_dict`` would reject the shape. Call this first in
    ``_load_from_state_dict``.

    Args:
        module (nn.Module): Owner of the buffers.
        state_dict (dict): The state dict being loaded.
        prefix (str): ``module``'s key prefix in it.
        names (Iterable[str]): Buffer names.
    """
    for name in names:
        value = state_dict.get(prefix + name)
        current = getattr(module, name)
        if value is not None and value.shape != current.shape:
            setattr(module, name,
                    torch.zeros_like(value, device=current.device))
