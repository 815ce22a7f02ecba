"""tools/train.py and tools/test.py: plugins, resume, clear errors."""
import argparse
import glob
import importlib.util
import logging
import os
import os.path as osp
import subprocess
import sys
import textwrap
import uuid

import pytest
import torch
from conftest import ROOT, make_tiny_dataset, tiny_config
from mmengine.config import Config, DictAction
from mmengine.hooks import Hook

import mlc  # noqa: F401  (safe globals for torch.load)
from mlc.registry import HOOKS
from mlc.utils.cli import add_common_args, parse_cfg_options

PY = sys.executable


def load_tool(name: str):
    """``tools/<name>.py`` as a module: its ``main(argv)`` runs the tool in
    this process, without an interpreter start-up (~5 CPU-seconds of
    imports)."""
    spec = importlib.util.spec_from_file_location(
        f'mlc_{name}_tool', osp.join(ROOT, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


train_tool, eval_tool = load_tool('train'), load_tool('test')


def run_tool(args, cwd=ROOT, env_extra=None):
    # the same torch thread count as this process: runs compared bit for
    # bit with in-process runs reduce in the same order
    env = dict(os.environ, OMP_NUM_THREADS=str(torch.get_num_threads()),
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    env.update(env_extra or {})
    return subprocess.run([PY, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def dump(cfg: dict, path) -> str:
    Config(cfg).dump(str(path))
    return str(path)


def test_plugin_head_via_custom_imports(tiny_data, tmp_path):
    plugin = tmp_path / 'plugins' / 'my_heads.py'
    plugin.parent.mkdir()
    plugin.write_text(textwrap.dedent('''
        import torch.nn as nn
        from mlc.models.heads import MLCLinearHead
        from mlc.registry import MODELS

        TRAINED = []

        @MODELS.register_module()
        class TwoLayerHead(MLCLinearHead):
            """A plugin head defined outside mlc."""
            def __init__(self, hidden=16, **kwargs):
                super().__init__(**kwargs)
                self.fc = nn.Sequential(nn.Linear(self.in_channels, hidden),
                                        nn.ReLU(),
                                        nn.Linear(hidden, self.num_classes))
    '''))
    cfg = tiny_config(tiny_data, str(tmp_path / 'work'), max_epochs=1)
    cfg['custom_imports'] = dict(imports=['my_heads'],
                                 allow_failed_imports=False)
    cfg['model']['head']['type'] = 'TwoLayerHead'
    cfg['model']['head']['hidden'] = 12
    result = run_tool(['tools/train.py', dump(cfg, tmp_path / 'cfg.py')],
                      env_extra={'PYTHONPATH': f'{plugin.parent}{os.pathsep}'
                                 f'{ROOT}'})
    assert result.returncode == 0, result.stderr[-3000:]
    ckpt = torch.load(tmp_path / 'work' / 'epoch_1.pth', weights_only=True)
    assert ckpt['state_dict']['head.fc.0.weight'].shape == (12, 64)


@HOOKS.register_module(force=True)
class CrashAfterEpoch(Hook):
    """Simulates a crash once epoch ``stop_at`` is checkpointed."""
    priority = 'LOWEST'

    def __init__(self, stop_at: int) -> None:
        self.stop_at = stop_at

    def after_train_epoch(self, runner) -> None:
        if runner.epoch + 1 == self.stop_at:
            raise SystemExit(3)


def train_inprocess(cfg: dict, path, *extra: str) -> None:
    """``tools/train.py path *extra`` in this process. A unique
    experiment name keeps mmengine's logger and visualizer of one run from
    being reused by a run started in the same second."""
    cfg = dict(cfg, experiment_name=f'{osp.basename(path)}_{uuid.uuid4()}')
    train_tool.main([dump(cfg, path), *extra])


def evaluate_inprocess(cfg_path: str, *extra: str) -> None:
    """``tools/test.py cfg_path *extra`` in this process, under a new
    experiment name (the training run's logger is not reused)."""
    eval_tool.main([cfg_path, *extra, '--cfg-options',
                    f'experiment_name=test_{uuid.uuid4()}'])


def crash_and_resume(cfg: dict, tmp_path, stop_at: int) -> None:
    """Train ``cfg`` through tools/train.py until the crash after epoch
    ``stop_at``, then resume it with ``--resume`` to its last epoch."""
    crashing = dict(cfg, custom_hooks=[*cfg.get('custom_hooks', []),
                                       dict(type='CrashAfterEpoch',
                                            stop_at=stop_at)])
    with pytest.raises(SystemExit) as crashed:
        train_inprocess(crashing, tmp_path / 'part.py')
    assert crashed.value.code == 3
    assert not osp.exists(osp.join(cfg['work_dir'],
                                   f'epoch_{stop_at + 1}.pth'))
    train_inprocess(cfg, tmp_path / 'res.py', '--resume')


def scheduled_config(root: str, work_dir: str, epochs: int) -> dict:
    """The tiny config with the schedule's ``end`` explicit (2 epochs), so
    a 1-epoch run extended to 2 follows the 2-epoch schedule."""
    cfg = tiny_config(root, work_dir, max_epochs=epochs)
    cfg['param_scheduler'][0]['end'] = 2
    return cfg


@pytest.fixture(scope='module')
def tiny_module_data(tmp_path_factory):
    """The tiny train/test dataset, built once for this module."""
    root = str(tmp_path_factory.mktemp('cli') / 'tiny')
    make_tiny_dataset(root, num=40, split='train', seed=0)
    make_tiny_dataset(root, num=37, split='test', seed=1)
    return root


@pytest.fixture(scope='module')
def full_run(tiny_module_data, tmp_path_factory):
    """Config path and work dir of an uninterrupted 2-epoch run (lr halved
    after epoch 1) through tools/train.py, shared by the resume and test
    tool tests."""
    out = tmp_path_factory.mktemp('full')
    cfg = scheduled_config(tiny_module_data, str(out / 'work'), 2)
    train_inprocess(cfg, out / 'full.py')
    return str(out / 'full.py'), out / 'work'


def test_resume_after_crash_equals_uninterrupted_run(tiny_module_data,
                                                     full_run, tmp_path):
    """A 2-epoch run that dies after epoch 1 and is resumed equals the
    uninterrupted 2-epoch run bit for bit (weights, optimiser, schedule:
    the lr drops at the resume point)."""
    part = scheduled_config(tiny_module_data, str(tmp_path / 'part'), 2)
    crash_and_resume(part, tmp_path, stop_at=1)
    a = torch.load(full_run[1] / 'epoch_2.pth', weights_only=True)
    b = torch.load(tmp_path / 'part' / 'epoch_2.pth', weights_only=True)
    assert a['meta']['epoch'] == b['meta']['epoch'] == 2
    assert a['param_schedulers'] == b['param_schedulers']
    assert a['optimizer']['param_groups'][0]['lr'] == pytest.approx(0.025)
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(b['state_dict'][key], value, rtol=0,
                                   atol=0, msg=key)
    # the weights did change during the resumed epoch
    c = torch.load(tmp_path / 'part' / 'epoch_1.pth', weights_only=True)
    assert not torch.equal(c['state_dict']['head.fc.weight'],
                           b['state_dict']['head.fc.weight'])


def test_resume_extends_a_finished_run(tiny_module_data, full_run,
                                       tmp_path):
    """Train 1 epoch, then resume to 2 with a schedule whose ``end`` is
    explicit: equal to 2 uninterrupted epochs."""
    for epochs, extra in ((1, []), (2, ['--resume'])):
        train_inprocess(scheduled_config(tiny_module_data,
                                         str(tmp_path / 'part'), epochs),
                        tmp_path / f'part{epochs}.py', *extra)
    a = torch.load(full_run[1] / 'epoch_2.pth', weights_only=True)
    b = torch.load(tmp_path / 'part' / 'epoch_2.pth', weights_only=True)
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(b['state_dict'][key], value, rtol=0,
                                   atol=0, msg=key)


def test_test_tool_loads_checkpoint_and_writes_predictions(full_run,
                                                           tmp_path):
    cfg_path, work = full_run
    out = tmp_path / 'preds.npz'
    result = run_tool(['tools/test.py', cfg_path, str(work / 'epoch_1.pth'),
                       '--out', str(out), '--work-dir',
                       str(tmp_path / 'test')])
    assert result.returncode == 0, result.stderr[-3000:]
    import numpy as np
    with np.load(out, allow_pickle=False) as data:
        assert data['pred_score'].shape == (37, 4)
        np.testing.assert_array_equal(data['sample_idx'], np.arange(37))
    tables = glob.glob(str(tmp_path / 'test' / '*' / '*per_class_ap.json'))
    assert tables, 'the test run wrote no per-class AP table'


@pytest.mark.parametrize('mutate,expected', [
    (lambda c: c['train_dataloader']['dataset'].update(
        data_root='/no/such/root'), 'data_root "/no/such/root" does not'),
    (lambda c: c['model']['head'].update(type='NoSuchHead'),
     'NoSuchHead is not in the mlc::model registry'),
    (lambda c: c.update(train_dataloder=c['train_dataloader']),
     'unknown config key "train_dataloder"; did you mean '
     '"train_dataloader"'),
    (lambda c: c['train_dataloader'].update(batchsize=4),
     'unknown key "train_dataloader.batchsize"; did you mean "batch_size"'),
    (lambda c: c['model']['head'].update(num_clases=4),
     "unexpected keyword argument 'num_clases'"),
])
def test_bad_config_gives_one_clear_message(tiny_data, tmp_path, capfd,
                                            mutate, expected):
    """In-process (the CLI's ``main``): one ``error:`` line, no traceback;
    the exit status and stderr of a real process are checked below."""
    cfg = tiny_config(tiny_data, str(tmp_path / 'work'), max_epochs=1,
                      val=False)
    mutate(cfg)
    with pytest.raises(SystemExit) as stop:
        train_inprocess(cfg, tmp_path / 'cfg.py')
    message = str(stop.value.code)
    assert message.startswith('error: ') and '\n' not in message, message
    assert expected in message, message
    assert 'Traceback' not in capfd.readouterr().err


def test_bad_config_exits_with_one_line_on_stderr(tiny_data, tmp_path):
    cfg = tiny_config(tiny_data, str(tmp_path / 'work'), max_epochs=1,
                      val=False)
    cfg['model']['head'].update(type='NoSuchHead')
    result = run_tool(['tools/train.py', dump(cfg, tmp_path / 'cfg.py')])
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert 'NoSuchHead is not in the mlc::model registry' in result.stderr, \
        result.stderr[-2000:]


def test_cfg_options_parse_as_mmengine_and_accumulate():
    values = ['1', '0.5', 'true', 'None', 'a,b', '[1,(2,3)]', '(x,y)', 'abc',
              "'q'"]
    items = [f'k{i}={v}' for i, v in enumerate(values)]
    assert parse_cfg_options(items) == {
        f'k{i}': DictAction._parse_iterable(v) for i, v in enumerate(values)}
    parser = argparse.ArgumentParser()
    add_common_args(parser)
    args = parser.parse_args(['--cfg-options', 'a=1', 'b.c=2',
                              '--cfg-options', 'd=3'])
    assert parse_cfg_options(args.cfg_options) == {'a': 1, 'b.c': 2, 'd': 3}


def test_precision_flags_pick_the_optim_wrapper():
    """``--bf16``: AutocastOptimWrapper on any device; ``--amp`` (float16
    with loss scaling) names the alternative on a machine without a GPU;
    one precision flag at a time."""
    from mmengine.config import Config
    from mmengine.device import get_device
    cfg = Config(dict(optim_wrapper=dict(optimizer=dict(type='SGD'))))
    out = train_tool.merge_args(cfg, train_tool.parse_args(['c.py',
                                                            '--bf16']))
    assert out.optim_wrapper.type == 'AutocastOptimWrapper'
    # a float16 recipe's loss scaling is dropped, not handed to the wrapper
    amp = Config(dict(optim_wrapper=dict(
        type='AmpOptimWrapper', loss_scale='dynamic', dtype='float16',
        optimizer=dict(type='SGD'))))
    out = train_tool.merge_args(amp, train_tool.parse_args(['c.py',
                                                            '--bf16']))
    assert out.optim_wrapper == dict(type='AutocastOptimWrapper',
                                     optimizer=dict(type='SGD'))
    if get_device() == 'cpu':
        with pytest.raises(ValueError,
                           match='--amp .* needs an accelerator.*--bf16'):
            train_tool.merge_args(cfg, train_tool.parse_args(['c.py',
                                                              '--amp']))
    with pytest.raises(SystemExit):
        train_tool.parse_args(['c.py', '--amp', '--bf16'])


@pytest.mark.parametrize('native', [False, True])
def test_bf16_warns_on_a_gpu_without_native_bfloat16(monkeypatch, native):
    """``--bf16`` on a GPU that only emulates bfloat16 warns once and names
    ``--amp``; a GPU with native bfloat16 gets no warning (the GPU is faked:
    ``torch.cuda`` answers as such a device would)."""
    asked = []

    def bf16_supported(including_emulation=True):
        asked.append(including_emulation)
        return native

    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported', bf16_supported)
    logged = []
    monkeypatch.setattr(train_tool, 'print_log',
                        lambda msg, **kw: logged.append((msg, kw)))
    cfg = Config(dict(optim_wrapper=dict(optimizer=dict(type='SGD'))))
    out = train_tool.merge_args(cfg, train_tool.parse_args(['c.py',
                                                            '--bf16']))
    assert out.optim_wrapper.type == 'AutocastOptimWrapper'
    assert asked == [False]  # emulation does not count as support
    if native:
        assert logged == []
    else:
        assert len(logged) == 1 and '--amp' in logged[0][0]
        assert logged[0][1]['level'] == logging.WARNING
