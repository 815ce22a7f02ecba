"""COMIC through tools/train.py and tools/test.py: resume is exact, every
branch and all state are checkpointed, RLC logs precision/recall."""
import glob
import json
import os

import pytest
import torch
from _helpers import comic_model_cfg
from conftest import tiny_config
from test_cli import (
    crash_and_resume,
    dump,
    evaluate_inprocess,
    train_inprocess,
)

import mlc  # noqa: F401  (safe globals for torch.load)


def comic_config(root, work_dir, max_epochs):
    cfg = tiny_config(root, work_dir, max_epochs=max_epochs)
    cfg['model'] = comic_model_cfg(4)
    cfg['optim_wrapper'] = dict(optimizer=dict(type='Adam', lr=1e-3))
    cfg['custom_hooks'] = [dict(type='ComicCorrectionHook')]
    cfg['log_level'] = 'INFO'
    cfg['val_evaluator'] = dict(type='MLCAveragePrecision',
                                prefix='test_monitor')
    return cfg


def test_comic_resume_equals_uninterrupted_run(tiny_data, tmp_path, capfd):
    # the train and test tools' main in-process
    full = comic_config(tiny_data, str(tmp_path / 'full'), 2)
    train_inprocess(full, tmp_path / 'full.py')
    crash_and_resume(comic_config(tiny_data, str(tmp_path / 'part'), 2),
                     tmp_path, stop_at=1)

    a = torch.load(tmp_path / 'full' / 'epoch_2.pth', weights_only=True)
    b = torch.load(tmp_path / 'part' / 'epoch_2.pth', weights_only=True)
    state = a['state_dict']
    # every branch, the attention and all COMIC state are checkpointed
    for key in ('necks.h.fc.weight', 'necks.t.fc.weight', 'necks.b.fc.weight',
                'head.cls.h.weight', 'head.cls.t.weight', 'head.cls.b.weight',
                'head.attention.w_q.weight', 'head.state.feat_h',
                'head.state.feat_t', 'head.state.feat_b',
                'head.rlc.b.state.counts', 'head.rlc.b.state.epoch',
                'head.attention.rng_state'):
        assert key in state, key
    assert int(state['head.rlc.b.state.epoch']) == 1
    assert state['head.state.feat_b'].abs().sum() > 0
    assert a['state_dict'].keys() == b['state_dict'].keys()
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(b['state_dict'][key], value, rtol=0,
                                   atol=0, msg=key)
    c = torch.load(tmp_path / 'part' / 'epoch_1.pth', weights_only=True)
    assert not torch.equal(c['state_dict']['head.cls.b.weight'],
                           state['head.cls.b.weight'])

    log = open(glob.glob(str(tmp_path / 'full' / '*' / '*.log'))[0]).read()
    assert 'RLC branch b epoch 2' in log and 'precision / recall' in log

    # the test tool reloads every branch and reports the fused output
    metrics = tmp_path / 'metrics.json'
    capfd.readouterr()
    evaluate_inprocess(str(tmp_path / 'full.py'),
                       str(tmp_path / 'full' / 'epoch_2.pth'),
                       '--metrics-out', str(metrics))
    printed = capfd.readouterr()
    printed = printed.out + printed.err
    assert 'mAP' in printed  # the test run's output is seen here
    assert 'unexpected key' not in printed
    assert 'missing keys' not in printed
    values = json.load(open(metrics))
    assert any(k.endswith('mAP') for k in values)


RANK_STATE_HOOK = '''
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mlc.registry import HOOKS


@HOOKS.register_module()
class DumpRankState(Hook):
    """Saves every rank's COMIC state after training."""
    def __init__(self, out):
        self.out = out

    def after_train(self, runner):
        model = runner.model.module if hasattr(runner.model, 'module') \\
            else runner.model
        state = {k: v for k, v in model.state_dict().items()
                 if '.state.' in k}
        torch.save(state, f'{self.out}_{get_rank()}.pth')
'''


@pytest.mark.slow  # 3 interpreters (launcher + 2 ranks); `make test-slow`
def test_comic_two_process_training_keeps_ranks_in_sync(tiny_data,
                                                        tmp_path):
    """dist_train.sh with 2 gloo processes: the synchronised state (feature
    memory, RLC counts) is identical on both ranks."""
    from test_distributed import run_dist
    (tmp_path / 'rank_hook.py').write_text(RANK_STATE_HOOK)
    cfg = comic_config(tiny_data, str(tmp_path / 'work'), 1)
    cfg['custom_imports'] = dict(imports=['rank_hook'])
    cfg['custom_hooks'].append(dict(type='DumpRankState',
                                    out=str(tmp_path / 'state')))
    cfg_path = dump(cfg, tmp_path / 'cfg.py')
    old = os.environ.get('PYTHONPATH', '')
    os.environ['PYTHONPATH'] = f'{tmp_path}{os.pathsep}{old}'
    try:
        run_dist('dist_train.sh', [cfg_path, '2'], tmp_path)
    finally:
        os.environ['PYTHONPATH'] = old
    a = torch.load(tmp_path / 'state_0.pth', weights_only=True)
    b = torch.load(tmp_path / 'state_1.pth', weights_only=True)
    assert 'head.rlc.b.state.counts' in a
    for key in a:
        assert torch.equal(a[key], b[key]), key
    assert a['head.state.feat_b'].abs().sum() > 0
