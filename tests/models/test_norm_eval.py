"""BatchNorm layers kept in eval mode while their model trains."""
import torch
import torch.nn as nn
from _helpers import comic_model_cfg

from mlc.models.utils.norm_eval import freeze_bn_stats
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)


def test_every_batchnorm_frozen_other_layers_training():
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4),
                          nn.Sequential(nn.Flatten(), nn.BatchNorm1d(4)))
    model.train()
    freeze_bn_stats(model)
    assert model[0].training and model[2].training
    assert not model[1].training and not model[2][1].training
    before = model[1].running_mean.clone()
    model(torch.randn(2, 3, 1, 1))
    assert torch.equal(model[1].running_mean, before)
    freeze_bn_stats(model[1])  # a BatchNorm layer itself
    assert not model[1].training


def test_comic_trunk_norm_eval():
    for norm_eval in (False, True):
        model = MODELS.build(dict(comic_model_cfg(4),
                                  trunk_norm_eval=norm_eval))
        model.train()
        bns = [m for m in model.trunk.modules()
               if isinstance(m, nn.BatchNorm2d)]
        assert bns and all(m.training != norm_eval for m in bns)
        assert model.necks.training
