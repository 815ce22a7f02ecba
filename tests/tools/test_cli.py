"""tools/train.py and tools/test.py: plugins, resume, clear errors."""
import argparse
import glob
import os
import subprocess
import sys
import textwrap

import pytest
import torch
from conftest import ROOT, tiny_config
from mmengine.config import Config, DictAction

import mlc  # noqa: F401  (safe globals for torch.load)
from mlc.utils.cli import add_common_args, parse_cfg_options

PY = sys.executable


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


CRASH_HOOK = textwrap.dedent('''
    from mmengine.hooks import Hook
    from mlc.registry import HOOKS

    @HOOKS.register_module()
    class CrashAfterEpoch(Hook):
        """Simulates a crash once epoch ``stop_at`` is checkpointed."""
        priority = 'LOWEST'

        def __init__(self, stop_at):
            self.stop_at = stop_at

        def after_train_epoch(self, runner):
            if runner.epoch + 1 == self.stop_at:
                raise SystemExit(3)
''')


def test_resume_after_crash_equals_uninterrupted_run(tiny_data, tmp_path):
    """A 4-epoch run that dies after epoch 2 and is resumed equals the
    uninterrupted 4-epoch run bit for bit (weights, optimiser, schedule)."""
    (tmp_path / 'crash_hook.py').write_text(CRASH_HOOK)
    env = {'PYTHONPATH': f'{tmp_path}{os.pathsep}{ROOT}'}
    full = tiny_config(tiny_data, str(tmp_path / 'full'), max_epochs=4)
    full['custom_imports'] = dict(imports=['crash_hook'])
    result = run_tool(['tools/train.py', dump(full, tmp_path / 'full.py')],
                      env_extra=env)
    assert result.returncode == 0, result.stderr[-3000:]

    part = tiny_config(tiny_data, str(tmp_path / 'part'), max_epochs=4)
    part['custom_imports'] = dict(imports=['crash_hook'])
    part['custom_hooks'] = [dict(type='CrashAfterEpoch', stop_at=2)]
    crashed = run_tool(['tools/train.py', dump(part, tmp_path / 'part.py')],
                       env_extra=env)
    assert crashed.returncode == 3, crashed.stderr[-3000:]
    assert not (tmp_path / 'part' / 'epoch_3.pth').exists()
    part['custom_hooks'] = []
    result = run_tool(['tools/train.py', dump(part, tmp_path / 'res.py'),
                       '--resume'], env_extra=env)
    assert result.returncode == 0, result.stderr[-3000:]

    a = torch.load(tmp_path / 'full' / 'epoch_4.pth', weights_only=True)
    b = torch.load(tmp_path / 'part' / 'epoch_4.pth', weights_only=True)
    assert a['meta']['epoch'] == b['meta']['epoch'] == 4
    assert a['param_schedulers'] == b['param_schedulers']
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(b['state_dict'][key], value, rtol=0,
                                   atol=0, msg=key)
    # the weights did change during the resumed epochs
    c = torch.load(tmp_path / 'part' / 'epoch_2.pth', weights_only=True)
    assert not torch.equal(c['state_dict']['head.fc.weight'],
                           b['state_dict']['head.fc.weight'])


def test_resume_extends_a_finished_run(tiny_data, tmp_path):
    """Train 2 epochs, then resume to 4 with a schedule whose ``end`` is
    explicit: equal to 4 uninterrupted epochs."""
    def config(name, epochs):
        cfg = tiny_config(tiny_data, str(tmp_path / name), max_epochs=epochs)
        cfg['param_scheduler'][0]['end'] = 4
        return cfg

    for name, epochs, extra in (('full', 4, []), ('part', 2, []),
                                ('part', 4, ['--resume'])):
        result = run_tool(['tools/train.py',
                           dump(config(name, epochs),
                                tmp_path / f'{name}{epochs}.py'), *extra])
        assert result.returncode == 0, result.stderr[-3000:]
    a = torch.load(tmp_path / 'full' / 'epoch_4.pth', weights_only=True)
    b = torch.load(tmp_path / 'part' / 'epoch_4.pth', weights_only=True)
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(b['state_dict'][key], value, rtol=0,
                                   atol=0, msg=key)


def test_test_tool_loads_checkpoint_and_writes_predictions(tiny_data,
                                                           tmp_path):
    cfg = tiny_config(tiny_data, str(tmp_path / 'work'), max_epochs=1)
    cfg_path = dump(cfg, tmp_path / 'cfg.py')
    assert run_tool(['tools/train.py', cfg_path]).returncode == 0
    out = tmp_path / 'preds.npz'
    result = run_tool(['tools/test.py', cfg_path,
                       str(tmp_path / 'work' / 'epoch_1.pth'), '--out',
                       str(out)])
    assert result.returncode == 0, result.stderr[-3000:]
    import numpy as np
    with np.load(out, allow_pickle=False) as data:
        assert data['pred_score'].shape == (37, 4)
        np.testing.assert_array_equal(data['sample_idx'], np.arange(37))
    tables = glob.glob(str(tmp_path / 'work' / '*' / '*per_class_ap.json'))
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
def test_bad_config_gives_one_clear_message(tiny_data, tmp_path, mutate,
                                            expected):
    cfg = tiny_config(tiny_data, str(tmp_path / 'work'), max_epochs=1,
                      val=False)
    mutate(cfg)
    result = run_tool(['tools/train.py', dump(cfg, tmp_path / 'cfg.py')])
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert expected in result.stderr, result.stderr[-2000:]


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
