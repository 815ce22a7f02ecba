"""PU-MLC model: LGC backbone, frozen-BN recipe, MixUp second forward."""
from typing import Dict, List, Optional

import torch
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.structures import DataSample

from mlc.registry import MODELS
from ..utils.lgc_conv import LGCConv2d, convert_to_lgc
from ..utils.norm_eval import freeze_bn_stats
from ..utils.targets import stack_targets


@MODELS.register_module()
class PUMLCClassifier(ImageClassifier):
    """Image classifier trained with the PU-MLC objective.

    ``loss()`` computes the head's loss (``VPULoss``) on the main logits,
    then builds the MixUp batch (:class:`PUMixupConsistencyLoss`), runs a
    second forward pass on it in the same train mode and adds the
    consistency term.

    Recipe: ``lgc`` converts the 3x3 convs of ``layer1..layer4`` to
    :class:`LGCConv2d` in the constructor (before the optimiser and DDP
    wrapper exist). ``frozen_stages=k`` stops the gradient of the stem and
    ``layer1..layerk`` except their LGC global branches (the backbone's own
    ``frozen_stages`` must stay -1, it would freeze the branches too).
    ``norm_eval_all`` keeps every BatchNorm (the new ones too) in eval
    mode during training.

    Args:
        backbone (dict): ResNet config (``frozen_stages=-1``).
        head (dict): Head config whose ``loss`` is the PU loss.
        neck (dict, optional): Neck config (None for ``SSGRLHead``).
        mix_loss (dict, optional): ``PUMixupConsistencyLoss`` config; None
            disables the second forward (ablation).
        lgc (dict, optional): ``convert_to_lgc`` kwargs (``heads``,
            ``reduction``, ``gamma_std``); None keeps plain convs.
        frozen_stages (int): -1 trains everything; 3 is the paper's recipe.
        norm_eval_all (bool): All BatchNorms in eval mode. Paper: True.
        train_cfg, data_preprocessor, init_cfg: See ``ImageClassifier``.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 neck: Optional[dict] = None,
                 mix_loss: Optional[dict] = dict(
                     type='PUMixupConsistencyLoss'),
                 lgc: Optional[dict] = dict(heads=8, reduction=4),
                 frozen_stages: int = 3,
                 norm_eval_all: bool = True,
                 train_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone=backbone, neck=neck, head=head,
                         train_cfg=train_cfg,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if getattr(self.backbone, 'frozen_stages', -1) >= 0:
            raise ValueError(
                'PUMLCClassifier: set frozen_stages on the classifier, not '
                "on the backbone (the backbone's freezing would also freeze "
                'the LGC global branches)')
        self.num_lgc = 0
        if lgc is not None:
            self.num_lgc = convert_to_lgc(self.backbone, **lgc)
        self.mix_loss = MODELS.build(mix_loss) if mix_loss else None
        self.frozen_stages = frozen_stages
        self.norm_eval_all = norm_eval_all
        self._freeze()

    def init_weights(self) -> None:
        """Initialise, then re-apply the LGC branch init.

        The backbone's layer-type ``init_cfg`` (Kaiming convs, constant-1
        BNs) reaches the branches too, and mmpretrain's ``ResLayer`` is a
        plain ``nn.Sequential``, so the branches' own ``init_weights`` is
        never called by the recursion: without this the branches would not
        start near 0.
        """
        super().init_weights()
        for module in self.backbone.modules():
            if isinstance(module, LGCConv2d):
                module.init_weights()

    def _freeze(self) -> None:
        """Stop the gradient of stem + layer1..k (LGC branches excepted)."""
        if self.frozen_stages < 0:
            return
        stem_norm = getattr(self.backbone, 'norm1_name', 'bn1')
        frozen = ['conv1.', f'{stem_norm}.', 'stem.'] + [
            f'layer{i}.' for i in range(1, self.frozen_stages + 1)
        ]
        for name, param in self.backbone.named_parameters():
            if (name.startswith(tuple(frozen))
                    and '.global_branch.' not in name):
                param.requires_grad_(False)

    def train(self, mode: bool = True) -> 'PUMLCClassifier':
        """Set train mode; every BatchNorm stays in eval with norm_eval_all."""
        super().train(mode)
        if mode and self.norm_eval_all:
            freeze_bn_stats(self)
        return self

    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        """PU loss of the main batch plus the MixUp consistency term.

        Returns:
            dict: ``loss_pu``, ``loss_mix`` and detached diagnostics (keys
            without ``loss``: ``pu_*``, ``pu_mix_lambda``).
        """
        logits = self.head(self.extract_feat(inputs))
        target = stack_targets(data_samples,
                               logits.shape[1]).to(logits.device)
        pu_loss = self.head.loss_module
        if hasattr(pu_loss, 'loss_and_stats'):
            loss, stats = pu_loss.loss_and_stats(logits, target)
        else:
            loss, stats = pu_loss(logits, target), {}
        losses = {'loss_pu': loss, **stats}
        if self.mix_loss is not None and inputs.shape[0] >= 2:
            soft = self.mix_loss.soft_targets(logits, target)
            mixed, mixed_target, lam = self.mix_loss.mix(inputs, soft)
            mixed_logits = self.head(self.extract_feat(mixed))
            losses['loss_mix'] = self.mix_loss(mixed_logits, mixed_target)
            losses['pu_mix_lambda'] = logits.new_tensor(lam).detach()
        return losses
