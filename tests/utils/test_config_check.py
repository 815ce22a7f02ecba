"""Config checks: misspelled keys, test-set monitoring, every shipped
config."""
import glob
import os.path as osp

import pytest
from conftest import ROOT
from mmengine.config import Config

from mlc.utils.config_check import (
    ConfigError,
    check_config,
    config_error_message,
    find_syntax_error,
)


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


def test_find_syntax_error_follows_the_base_chain(tmp_path):
    (tmp_path / 'a').mkdir()
    (tmp_path / 'top.py').write_text("_base_ = ['./a/mid.py']\nx = 1\n")
    (tmp_path / 'a' / 'mid.py').write_text(
        "_base_ = '../b.py'\n# fine\ny = 2\n")
    (tmp_path / 'b.py').write_text('z = 1\n\nw = [1,\n')
    err = find_syntax_error(str(tmp_path / 'top.py'))
    assert (err.filename, err.lineno) == (str(tmp_path / 'b.py'), 3)
    assert config_error_message(err) == (
        f"{tmp_path / 'b.py'}:3: SyntaxError: '[' was never closed")
    (tmp_path / 'b.py').write_text('z = 1\n')
    assert find_syntax_error(str(tmp_path / 'top.py')) is None


def test_error_messages_are_one_line():
    assert config_error_message(ValueError('a\n  b\n')) == 'ValueError: a b'
    try:
        try:
            import no_such_plugin_module  # noqa: F401
        except ImportError as cause:
            raise ImportError('Failed to import custom modules, the '
                              'current sys.path is:\n    /x\n    /y') \
                from cause
    except ImportError as err:
        message = config_error_message(err)
    assert message == ("custom_imports: No module named "
                       "'no_such_plugin_module' (is the folder of the "
                       'module on PYTHONPATH?)')


# configs/own_data read the user's files when checked: tests/tools/
# test_own_data.py checks them on a data set it builds
CONFIGS = sorted(p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                                      recursive=True)
                 if '_base_' not in p and 'own_data' not in p)


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_every_shipped_config_loads_and_passes_checks(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mlc'
    check_config(cfg)
