"""BatchNorm layers kept in eval mode while their model trains."""
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm


def freeze_bn_stats(module: nn.Module) -> None:
    """Put every BatchNorm layer of ``module`` (itself included) in eval
    mode: it normalises with its running statistics and no longer updates
    them. Call it after ``module.train()``, which sets them back to train."""
    for layer in module.modules():
        if isinstance(layer, _BatchNorm):
            layer.eval()
