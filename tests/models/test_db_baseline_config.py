"""The DB baseline keeps every backbone BatchNorm in eval mode, as the DB
code's ResNet (``norm_eval=True`` by default there)."""
import glob

import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.registry import DefaultScope
from torch.nn.modules.batchnorm import _BatchNorm

from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)
DB_CONFIGS = sorted(glob.glob(f'{ROOT}/configs/baselines/db_*.py'))


@pytest.mark.parametrize('path', DB_CONFIGS, ids=lambda p: p.split('/')[-1])
def test_backbone_bn_stays_in_eval_mode(path):
    cfg = Config.fromfile(path).model
    cfg.backbone.pop('init_cfg', None)  # no weight download in tests
    with DefaultScope.overwrite_default_scope('mlc'):
        model = MODELS.build(cfg.to_dict())
    model.train()
    bns = {n: m for n, m in model.backbone.named_modules()
           if isinstance(m, _BatchNorm)}
    assert len(bns) == 53  # ResNet-50: stem + 52 in layer1-4
    assert [n for n, m in bns.items() if m.training] == []
    before = {n: (m.running_mean.clone(), m.running_var.clone(),
                  int(m.num_batches_tracked)) for n, m in bns.items()}
    torch.manual_seed(0)
    model.extract_feat(torch.randn(2, 3, 64, 64) * 3 + 1)
    for n, m in bns.items():
        mean, var, count = before[n]
        assert torch.equal(m.running_mean, mean), n
        assert torch.equal(m.running_var, var), n
        assert int(m.num_batches_tracked) == count, n
    # BN affine parameters of layer2-4 still learn (frozen_stages=1 only)
    frozen = {n for n, p in model.backbone.named_parameters()
              if not p.requires_grad}
    assert 'layer2.0.bn1.weight' not in frozen
    assert 'layer1.0.bn1.weight' in frozen and 'bn1.weight' in frozen
    # the neck's BN1d is not the backbone's: it trains
    assert model.neck.training
