"""Linear multi-label head that keeps unknown (-1) targets for the loss."""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
from mmpretrain.models.heads import MultiLabelClsHead
from mmpretrain.structures import DataSample

from mlc.registry import MODELS
from ..utils.targets import stack_targets


@MODELS.register_module()
class MLCLinearHead(MultiLabelClsHead):
    """Linear classifier for multi-label classification with imperfect labels.

    The training target is the stacked ``gt_score`` (B, C) in {1, 0, -1};
    unknowns reach the loss unchanged (the loss resolves them). Heads never
    read ``gt_clean``.

    Args:
        num_classes (int): Number of classes C.
        in_channels (int): Feature channels of the last backbone/neck stage.
        loss (dict): Loss config. Defaults to ``MaskedBCELoss``.
        thr (float): Score threshold of ``pred_label``. Defaults to 0.5.
        topk (int, optional): Predict the top-k classes instead of ``thr``.
        init_cfg (dict): Initialisation of the linear layer.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss: Dict = dict(type='MaskedBCELoss'),
                 thr: Optional[float] = 0.5,
                 topk: Optional[int] = None,
                 init_cfg: Optional[Dict] = dict(
                     type='Normal', layer='Linear', std=0.01)) -> None:
        super().__init__(loss=loss, thr=thr, topk=topk, init_cfg=init_cfg)
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.fc = nn.Linear(in_channels, num_classes)

    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """(B, in_channels) features of the last stage."""
        return feats[-1]

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """(B, C) logits."""
        return self.fc(self.pre_logits(feats))

    def _get_loss(self, cls_score: torch.Tensor,
                  data_samples: List[DataSample], **kwargs) -> dict:
        """Loss of (B, C) logits against the observed targets, plus the
        detached diagnostics of losses that define ``diagnostics()`` (e.g.
        ``splc_num_pseudo``; names without ``loss`` are logged, not summed)."""
        target = stack_targets(data_samples, self.num_classes)
        losses = {'loss': self.loss_module(cls_score, target, **kwargs)}
        if hasattr(self.loss_module, 'diagnostics'):
            losses.update(self.loss_module.diagnostics())
        return losses

