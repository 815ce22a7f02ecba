"""Loss modules as the loss benchmarks of this folder time them."""
import torch.nn as nn

import mlc  # noqa: F401
from mlc.registry import MODELS


def build_loss(cfg: dict) -> nn.Module:
    """The loss of ``cfg``; a loss with epochs (SPLC) is put in epoch 1,
    where its correction is active."""
    loss = MODELS.build(cfg)
    if hasattr(loss, 'set_epoch'):
        loss.set_epoch(1)
    return loss
