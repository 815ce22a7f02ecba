"""Every checkpoint path loads weights only, whatever the scheme or the
environment; test and inference load strictly. No network: URLs resolve to
files already in a temporary torch hub cache."""
import importlib.util
import json
import os.path as osp
import re
import shutil
import sys
import types

import pytest
import torch
import torch.nn as nn
from conftest import ROOT, tiny_config
from mmengine.config import Config
from mmengine.model import BaseModule
from mmengine.runner import Runner
from mmengine.runner.checkpoint import (
    CheckpointLoader,
    get_torchvision_models,
    load_checkpoint,
)

import mlc  # noqa: F401  (installs the weights-only loaders)
from mlc.apis import init_model
from mlc.utils import UnsafeCheckpointError, register_all_modules
from mlc.utils import checkpoint as safe_checkpoint
from mlc.utils.strict_load import CheckpointMismatchError

URL = 'http://127.0.0.1:1/x.pth'


class _Marker:
    """Creates a file when unpickled (stands for arbitrary code)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


def _evil(path, marker) -> str:
    torch.save({'state_dict': {}, 'payload': _Marker(str(marker))}, path)
    return str(path)


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """A torch hub cache dir of its own; returns its checkpoints folder."""
    monkeypatch.setattr(torch.hub, '_hub_dir', str(tmp_path / 'hub'))
    folder = tmp_path / 'hub' / 'checkpoints'
    folder.mkdir(parents=True)
    return folder


def _refused(filename, marker) -> str:
    with pytest.raises(UnsafeCheckpointError) as info:
        CheckpointLoader.load_checkpoint(filename, map_location='cpu')
    assert not marker.exists()
    assert filename in str(info.value) and 'open' in str(info.value)
    return str(info.value)


def test_cached_http_checkpoint_is_refused(hub, tmp_path):
    marker = tmp_path / 'pwned'
    _evil(hub / 'x.pth', marker)
    _refused(URL, marker)


def test_torchvision_scheme_from_hub_cache_is_refused(hub, tmp_path):
    marker = tmp_path / 'pwned'
    name = osp.basename(get_torchvision_models()['resnet50'])
    _evil(hub / name, marker)
    _refused('torchvision://resnet50', marker)
    # the Pretrained init of every COCO/VOC/NUS config goes the same way
    module = BaseModule(init_cfg=dict(type='Pretrained',
                                      checkpoint='torchvision://resnet50'))
    module.fc = nn.Linear(1, 1)
    with pytest.raises(UnsafeCheckpointError):
        module.init_weights()
    assert not marker.exists()


def test_mmcls_and_openmmlab_schemes_are_refused(hub, tmp_path, monkeypatch):
    marker = tmp_path / 'pwned'
    from mmengine.runner.checkpoint import get_mmcls_models
    _evil(hub / osp.basename(get_mmcls_models()['resnet50']), marker)
    _refused('mmcls://resnet50', marker)
    # open-mmlab:// may map to a file in mmengine's home
    home = tmp_path / 'mmengine_home'
    home.mkdir()
    (home / 'open_mmlab.json').write_text(json.dumps({'evil': 'evil.pth'}))
    _evil(home / 'evil.pth', marker)
    monkeypatch.setenv('MMENGINE_HOME', str(home))
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    _refused('open-mmlab://evil', marker)


def test_ceph_and_pavi_schemes_are_refused(tmp_path, monkeypatch):
    # mmengine's own loaders of these call torch.load without weights_only
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'pwned'
    evil = _evil(tmp_path / 'evil.pth', marker)

    class Backend:
        def get(self, filename):
            return open(evil, 'rb').read()

    class Model:
        name = 'evil.pth'

        def download(self, path):
            shutil.copy(evil, path)

    monkeypatch.setattr(safe_checkpoint, 'get_file_backend',
                        lambda *args, **kwargs: Backend())
    monkeypatch.setitem(sys.modules, 'pavi', types.SimpleNamespace(
        modelcloud=types.SimpleNamespace(get=lambda path: Model())))
    _refused('s3://bucket/evil.pth', marker)
    _refused('pavi://models/evil', marker)


def test_env_override_cannot_disable_weights_only(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'pwned'
    path = _evil(tmp_path / 'local.pth', marker)
    _refused(path, marker)
    # mmengine's public load_checkpoint and init_model take the same path
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint(nn.Linear(1, 1), path)
    with pytest.raises(UnsafeCheckpointError):
        init_model(Config(tiny_config(str(tmp_path), str(tmp_path))), path)
    assert not marker.exists()


def test_safe_checkpoint_still_loads_from_every_scheme(hub, tmp_path,
                                                       monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    torch.save({'state_dict': {'w': torch.ones(2)}}, hub / 'x.pth')
    name = osp.basename(get_torchvision_models()['resnet50'])
    torch.save({'w': torch.zeros(1)}, hub / name)
    assert CheckpointLoader.load_checkpoint(URL)['state_dict']['w'].sum() == 2
    assert CheckpointLoader.load_checkpoint(
        'torchvision://resnet50')['w'].shape == (1, )


def test_scheme_registered_by_others_is_refused():
    CheckpointLoader.register_scheme(
        'mlc-test-unsafe://', lambda filename, map_location: {})
    try:
        with pytest.raises(UnsafeCheckpointError, match='mlc-test-unsafe'):
            CheckpointLoader.load_checkpoint('mlc-test-unsafe://x')
    finally:
        CheckpointLoader._schemes.pop('mlc-test-unsafe://')


def _tiny_model_state(tmp_path, num_classes: int) -> dict:
    cfg = tiny_config(str(tmp_path), str(tmp_path), num_classes=num_classes)
    return init_model(Config(cfg)).state_dict()


def test_init_model_is_strict(tmp_path):
    cfg = Config(tiny_config(str(tmp_path), str(tmp_path)))
    path = str(tmp_path / 'other_head.pth')
    torch.save({'state_dict': _tiny_model_state(tmp_path, 5)}, path)
    with pytest.raises(CheckpointMismatchError) as info:
        init_model(cfg, path)
    message = str(info.value)
    assert '\n' not in message and path in message
    assert 'size mismatch for head.fc.weight' in message
    assert 'torch.Size([5, 64])' in message
    torch.save({'state_dict': {'foo.weight': torch.ones(1)}}, path)
    with pytest.raises(CheckpointMismatchError,
                       match='none of its 1 keys.*unexpected keys: foo'):
        init_model(cfg, path)
    # 'module.' prefixes (a DDP-saved state dict) are not a mismatch
    state = {f'module.{k}': v for k, v in _tiny_model_state(tmp_path,
                                                            4).items()}
    torch.save(state, path)
    init_model(cfg, path)


def test_fine_tuning_load_from_stays_non_strict(tiny_data, tmp_path):
    path = str(tmp_path / 'other_head.pth')
    state = _tiny_model_state(tmp_path, 5)
    torch.save({'state_dict': state}, path)
    cfg = tiny_config(tiny_data, str(tmp_path / 'work'), max_epochs=1)
    register_all_modules(init_default_scope=False)
    runner = Runner.from_cfg(Config(dict(cfg, load_from=path)))
    runner.load_or_resume()
    # the matching trunk is loaded, the 5-class head is skipped
    torch.testing.assert_close(
        runner.model.state_dict()['backbone.conv1.weight'],
        state['backbone.conv1.weight'])
    assert runner.model.head.fc.weight.shape == (4, 64)


def _tool(name: str):
    """``tools/<name>.py`` as a module (its ``main`` runs in-process)."""
    spec = importlib.util.spec_from_file_location(
        f'mlc_tool_{name}', osp.join(ROOT, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _one_error_line(argv, tool: str, *needles) -> None:
    """The tool exits with one ``error: ...`` line (and at most a --debug
    hint) naming every needle."""
    with pytest.raises(SystemExit) as info:
        _tool(tool).main(argv)
    message = str(info.value.code)
    first, *rest = message.splitlines()
    assert first.startswith('error: '), message
    assert all('--debug' in line for line in rest), message
    for needle in needles:
        assert needle in first, first


def _tiny_config_file(tiny_data, tmp_path) -> str:
    cfg_path = str(tmp_path / 'cfg.py')
    Config(tiny_config(tiny_data, str(tmp_path / 'work'))).dump(cfg_path)
    return cfg_path


def test_test_tool_refuses_url_checkpoint(tiny_data, hub, tmp_path):
    cfg_path = _tiny_config_file(tiny_data, tmp_path)
    marker = tmp_path / 'pwned'
    _evil(hub / 'x.pth', marker)
    _one_error_line([cfg_path, URL], 'test', 'UnsafeCheckpointError', URL)
    assert not marker.exists()


def test_test_tool_is_strict(tiny_data, tmp_path):
    cfg_path = _tiny_config_file(tiny_data, tmp_path)
    bad = str(tmp_path / 'other_head.pth')
    torch.save({'state_dict': _tiny_model_state(tmp_path, 5)}, bad)
    metrics = tmp_path / 'm.json'
    _one_error_line([cfg_path, bad, '--metrics-out', str(metrics)], 'test',
                    'CheckpointMismatchError', 'head.fc.weight',
                    'head.fc.bias')
    assert not metrics.exists()


def test_resume_from_last_checkpoint_url_is_refused(tiny_data, hub,
                                                    tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'last_checkpoint').write_text(URL)
    cfg = tiny_config(tiny_data, str(work), max_epochs=1)
    marker = tmp_path / 'pwned'
    _evil(hub / 'x.pth', marker)
    # mmengine's Runner reads last_checkpoint and loads the URL
    register_all_modules(init_default_scope=False)
    runner = Runner.from_cfg(Config(dict(cfg, resume=True)))
    with pytest.raises(UnsafeCheckpointError, match=re.escape(URL)):
        runner.train()
    assert not marker.exists()
    # the train tool stops with one line naming it
    cfg_path = str(tmp_path / 'cfg.py')
    Config(cfg).dump(cfg_path)
    _one_error_line([cfg_path, '--resume'], 'train', URL)
    _one_error_line([cfg_path, '--resume', URL], 'train', URL)
    assert not marker.exists()
