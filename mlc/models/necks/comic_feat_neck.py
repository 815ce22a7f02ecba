"""COMIC's branch feature layer: Linear then LogSoftmax."""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mlc.registry import MODELS


@MODELS.register_module()
class ComicFeatNeck(BaseModule):
    """``f = LogSoftmax(W g + b)`` over the feature dimension.

    Args:
        in_channels (int): Trunk feature dimension (2048 for ResNet-50).
        out_channels (int): Branch feature dimension. Defaults to 1024.
        init_cfg (dict, optional): Initialisation (torch default if None).
    """

    def __init__(self, in_channels: int = 2048, out_channels: int = 1024,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.fc = nn.Linear(in_channels, out_channels)

    def forward(self, feats: Union[torch.Tensor, Sequence[torch.Tensor]]
                ) -> torch.Tensor:
        """(B, in_channels) (or a tuple whose last item is) → (B, out)."""
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        return torch.log_softmax(self.fc(feats), dim=1)
