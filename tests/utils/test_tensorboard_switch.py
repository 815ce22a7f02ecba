"""``use_tensorboard`` of the default runtime: off by default, adds
mmengine's TensorboardVisBackend once when on, one clear line when the
package is missing."""
import argparse
import importlib.util
import os.path as osp

import pytest
from conftest import ROOT

from mlc.utils.cli import load_config, run_cli
from mlc.visualization import tensorboard_switch

CONFIG = osp.join(ROOT, 'configs', 'baselines', 'bce_r18_digitmosaic-plt.py')


def _load(tmp_path, *options, config=CONFIG):
    return load_config(argparse.Namespace(
        config=config, cfg_options=list(options), work_dir=str(tmp_path),
        local_rank=0))


def _pretend_installed(monkeypatch, installed: bool) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        tensorboard_switch.importlib.util, 'find_spec',
        lambda name, *a: (real('json') if installed else None)
        if name == 'tensorboard' else real(name, *a))


def test_off_by_default(tmp_path):
    cfg = _load(tmp_path)
    assert cfg.use_tensorboard is False
    assert cfg.visualizer.vis_backends == [dict(type='LocalVisBackend')]


def test_switch_adds_the_backend_once(tmp_path, monkeypatch):
    _pretend_installed(monkeypatch, True)
    cfg = _load(tmp_path, 'use_tensorboard=True')
    assert [b['type'] for b in cfg.visualizer.vis_backends] == [
        'LocalVisBackend', 'TensorboardVisBackend']
    tensorboard_switch.apply_tensorboard_switch(cfg)
    assert len(cfg.visualizer.vis_backends) == 2
    child = tmp_path / 'child.py'  # the one-line config switch
    child.write_text(f'_base_ = [{CONFIG!r}]\nuse_tensorboard = True\n')
    cfg = _load(tmp_path, config=str(child))
    assert cfg.visualizer.vis_backends[-1] == dict(
        type='TensorboardVisBackend')


def test_missing_package_is_one_line(tmp_path, monkeypatch):
    _pretend_installed(monkeypatch, False)
    with pytest.raises(SystemExit) as err:
        run_cli(lambda: _load(tmp_path, 'use_tensorboard=True'), False)
    message = str(err.value)
    assert 'use_tensorboard=True needs the tensorboard package' in message
    assert 'pip install tensorboard' in message and '\n' not in message


def test_switch_must_be_a_bool(tmp_path):
    with pytest.raises(TypeError, match="use_tensorboard must be True or "
                       "False, got 'yes'"):
        _load(tmp_path, 'use_tensorboard=yes')
