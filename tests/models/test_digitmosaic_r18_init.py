"""The DigitMosaic ResNet_CIFAR-18 recipe starts off the label-prior plateau.

Pins the initialisation choices of `configs/_base_/models/r18-cifar_mlc.py`
that made the recipe learn as fast per epoch as a plain 3-block CNN on the
``hard`` geometry: residual blocks that are not identities at step 0 (no
zero-initialised last BN), head weights in PyTorch's default range (not
N(0, 0.01)) and a head bias at the logit of the label density of the
DigitMosaic builds (0.1-0.24) instead of 0.
"""
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.models.backbones.resnet import BasicBlock

from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)

CONFIG = f'{ROOT}/configs/_base_/models/r18-cifar_mlc.py'


def build_initialised():
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mlc'):
        model = MODELS.build(Config.fromfile(CONFIG).model)
    model.init_weights()
    return model.eval()


def test_residual_branches_are_not_zero_initialised():
    blocks = [m for m in build_initialised().backbone.modules()
              if isinstance(m, BasicBlock)]
    assert len(blocks) == 8  # ResNet-18: 4 stages x 2 blocks
    for block in blocks:
        assert torch.all(block.norm2.weight == 1)


def test_initial_scores_lean_to_the_label_density():
    model = build_initialised()
    images = torch.rand(4, 3, 32, 32) * 2 - 1  # (B, 3, H, W), normalised
    with torch.no_grad():
        scores = model(images, mode='tensor').sigmoid()  # (B, C)
    assert scores.shape == (4, 10)
    # below the 0.5 of a zero bias, towards the 0.1-0.24 label density
    assert scores.mean().item() < 0.4
    assert torch.allclose(model.head.fc.bias, torch.full((10, ), -1.4))


def test_head_weights_in_pytorch_default_range():
    weight = build_initialised().head.fc.weight  # (C, 128)
    bound = 0.0884  # ~ 128 ** -0.5
    assert weight.abs().max() <= bound
    # uniform on +-bound has std bound / sqrt(3) = 0.051; N(0, 0.01) has 0.01
    assert weight.std() > 0.04
