"""COMIC's model: one trunk pass per batch shared by three branches."""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample

from mlc.registry import MODELS
from mlc.utils.choices import check_choice
from ..utils.norm_eval import freeze_bn_stats
from ..utils.preprocessor_builder import build_data_preprocessor

TRUNK_MODES = ('shared', 'separate')


@MODELS.register_module()
class ComicClassifier(BaseModel):
    """Trunk → global average pooling → one :class:`ComicFeatNeck` per
    branch → :class:`ComicHead`.

    With a frozen trunk (the paper) the three official backbones are
    identical, so the pooled feature g is computed **once** (without
    autograd) and fed to every branch. With ``trunk_frozen=False``,
    ``trunk_mode='shared'`` trains one trunk for all branches (project
    variant, used on DigitMosaic) and ``'separate'`` one trunk per branch.

    Args:
        trunk (dict): Backbone config (e.g. ResNet-50 with torchvision
            weights in ``init_cfg``).
        neck (dict): Branch neck config, built once per branch.
        head (dict): :class:`ComicHead` config.
        trunk_frozen (bool): Freeze every trunk parameter. Default True.
        trunk_norm_eval (bool): Keep the trunk's norm layers in eval mode
            while training (False = the code: batch statistics, running
            stats updated).
        trunk_mode (str): ``'shared'`` or ``'separate'`` (trainable trunk
            only).
        data_preprocessor (dict, optional): Defaults to
            ``MLCDataPreprocessor``.
        init_cfg (dict, optional): Initialisation.
    """

    def __init__(self,
                 trunk: Dict,
                 neck: Dict,
                 head: Dict,
                 trunk_frozen: bool = True,
                 trunk_norm_eval: bool = False,
                 trunk_mode: str = 'shared',
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        preprocessor = build_data_preprocessor(data_preprocessor,
                                               'MLCDataPreprocessor')
        super().__init__(data_preprocessor=preprocessor, init_cfg=init_cfg)
        check_choice('ComicClassifier', 'trunk_mode', trunk_mode, TRUNK_MODES)
        if trunk_frozen and trunk_mode == 'separate':
            raise ValueError(
                "ComicClassifier: trunk_mode='separate' needs "
                'trunk_frozen=False (frozen copies are identical, so the '
                'shared trunk is exactly equivalent)')
        self.trunk_frozen = trunk_frozen
        self.trunk_norm_eval = trunk_norm_eval
        self.trunk_mode = trunk_mode
        self.head = MODELS.build(head)
        branches = self.head.branches
        if trunk_mode == 'separate':
            self.trunks = nn.ModuleDict(
                {k: MODELS.build(trunk) for k in branches})
        else:
            self.trunk = MODELS.build(trunk)
        self.necks = nn.ModuleDict({k: MODELS.build(neck) for k in branches})
        self.pool = nn.AdaptiveAvgPool2d(1)
        if trunk_frozen:
            self.trunk.requires_grad_(False)

    def train(self, mode: bool = True) -> 'ComicClassifier':
        super().train(mode)
        if mode and self.trunk_norm_eval:
            freeze_bn_stats(self)
        return self

    def _pooled(self, trunk: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
        """(B, d) globally pooled last-stage trunk features."""
        out = trunk(inputs)
        out = out[-1] if isinstance(out, (tuple, list)) else out
        return self.pool(out).flatten(1) if out.dim() == 4 else out

    def extract_feat(self, inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Branch features ``{k: (B, D)}`` (neck outputs)."""
        if self.trunk_mode == 'separate':
            return {k: self.necks[k](self._pooled(self.trunks[k], inputs))
                    for k in self.head.branches}
        if self.trunk_frozen:
            with torch.no_grad():
                g = self._pooled(self.trunk, inputs)
        else:
            g = self._pooled(self.trunk, inputs)
        return {k: self.necks[k](g) for k in self.head.branches}

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """``'tensor'``: dict of branch logits; ``'loss'``: loss dict;
        ``'predict'``: data samples with ``pred_score``."""
        if mode == 'tensor':
            return self.head(self.extract_feat(inputs))
        if mode == 'loss':
            return self.head.loss(self.extract_feat(inputs), data_samples)
        if mode == 'predict':
            return self.head.predict(self.extract_feat(inputs), data_samples)
        raise RuntimeError(f'ComicClassifier: invalid mode "{mode}"')
