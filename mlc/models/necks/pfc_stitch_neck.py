"""PFC neck of DB loss / Stitch-Up."""
from typing import Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mlc.registry import MODELS


@MODELS.register_module()
class PFCStitchNeck(BaseModule):
    """GAP -> Linear -> BN1d -> Dropout.

    The linear layer is shared by anchors and Stitch-Up partners; anchors
    use ``bn``, partners ``bn2`` (created only with ``partner_bn=True``, so
    no parameter goes unused under DDP). Test images take the ``bn`` path.

    Args:
        in_channels (int): Backbone channels (2048 for ResNet-50).
        out_channels (int): Embedding size (256).
        dropout (float): Dropout probability (0 branch R, 0.5 branch B).
        partner_bn (bool): Create ``bn2`` for partners.
    """

    def __init__(self,
                 in_channels: int = 2048,
                 out_channels: int = 256,
                 dropout: float = 0.5,
                 partner_bn: bool = False,
                 init_cfg: Union[dict, list] = [
                     dict(type='Kaiming', layer='Linear', mode='fan_out',
                          distribution='normal', bias=0.),
                     dict(type='Constant', layer='BatchNorm1d', val=1.,
                          bias=0.)
                 ]) -> None:
        super().__init__(init_cfg=init_cfg)
        self.fc = nn.Linear(in_channels, out_channels)
        self.bn = nn.BatchNorm1d(out_channels)
        self.bn2 = nn.BatchNorm1d(out_channels) if partner_bn else None
        self.drop = nn.Dropout(dropout)

    def embed(self, x: torch.Tensor, partner: bool = False) -> torch.Tensor:
        """(B, out_channels) embedding of (B, C, H, W) or (B, C) features."""
        if x.dim() == 4:
            x = x.mean(dim=(2, 3))
        if partner and self.bn2 is None:
            raise RuntimeError('PFCStitchNeck: partner_bn=False has no bn2')
        bn = self.bn2 if partner else self.bn
        return self.drop(bn(self.fc(x)))

    def forward(self, inputs: Union[torch.Tensor, Sequence[torch.Tensor]]
                ) -> Tuple[torch.Tensor]:
        """Embed the last feature map (ImageClassifier interface)."""
        x = inputs[-1] if isinstance(inputs, (tuple, list)) else inputs
        return (self.embed(x), )
