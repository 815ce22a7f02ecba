"""Config checks: misspelled keys, test-set monitoring, every shipped config."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from conftest import ROOT
from mlc.utils.config_check import ConfigError, check_config


def base_cfg(**extra):
    loader = dict(batch_size=2, dataset=dict(type='MLCDataset',
                                             ann_file='test.json'))
    cfg = dict(model=dict(), train_dataloader=dict(loader),
               val_dataloader=dict(loader), test_dataloader=dict(loader),
               val_cfg=dict(), val_evaluator=dict(type='MLCAveragePrecision'))
    cfg.update(extra)
    return Config(cfg)


def test_val_on_test_set_needs_test_monitor_prefix_and_no_best():
    with pytest.raises(ConfigError, match='test_monitor'):
        check_config(base_cfg())
    cfg = base_cfg(val_evaluator=dict(type='MLCAveragePrecision',
                                      prefix='test_monitor'),
                   default_hooks=dict(checkpoint=dict(save_best='auto')))
    with pytest.raises(ConfigError, match='save_best must be None'):
        check_config(cfg)
    check_config(base_cfg(val_evaluator=dict(type='MLCAveragePrecision',
                                             prefix='test_monitor')))
    separate = base_cfg()
    separate.val_dataloader.dataset.ann_file = 'val.json'
    check_config(separate)


def test_misspelled_keys():
    with pytest.raises(ConfigError, match='did you mean "optim_wrapper"'):
        check_config(base_cfg(optim_wraper=dict()))
    check_config(Config(dict(model=dict(), data_root='x', my_variable=3,
                             train_data=dict())))


CONFIGS = sorted(p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                                      recursive=True)
                 if '_base_' not in p)


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_every_shipped_config_loads_and_passes_checks(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mlc'
    check_config(cfg)
