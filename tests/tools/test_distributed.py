"""Two-process (gloo) training and evaluation through the dist scripts."""
import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, tiny_config
from mmengine.config import Config
from sklearn.metrics import average_precision_score


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_dist(script, args, tmp_path):
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(free_port()),
               OMP_NUM_THREADS='1')
    result = subprocess.run(['bash', f'tools/{script}', *args], cwd=ROOT,
                            env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, (result.stdout[-2000:] +
                                    result.stderr[-4000:])
    return result


@pytest.mark.slow  # 6 interpreters (2 launchers + 2 x 2 ranks)
def test_two_process_train_and_test_cover_each_sample_once(tiny_data,
                                                          tmp_path):
    cfg = tiny_config(tiny_data, str(tmp_path / 'work'), max_epochs=1)
    cfg['log_level'] = 'INFO'
    cfg_path = str(tmp_path / 'cfg.py')
    Config(cfg).dump(cfg_path)
    result = run_dist('dist_train.sh', [cfg_path, '2'], tmp_path)
    assert 'Distributed training: True' in result.stdout + result.stderr
    ckpt = tmp_path / 'work' / 'epoch_1.pth'
    assert ckpt.is_file()

    out, metrics = tmp_path / 'preds.npz', tmp_path / 'metrics.json'
    run_dist('dist_test.sh', [cfg_path, str(ckpt), '2', '--out', str(out),
                              '--metrics-out', str(metrics)], tmp_path)
    with np.load(out, allow_pickle=False) as data:
        idx, scores, targets = (data['sample_idx'], data['pred_score'],
                                data['gt_score'])
    # 37 test images on 2 ranks: the sampler pads one duplicate; every
    # sample is evaluated exactly once
    np.testing.assert_array_equal(idx, np.arange(37))
    with open(metrics) as f:
        reported = json.load(f)['multi-label/mAP']
    aps = [average_precision_score(targets[:, c], scores[:, c])
           for c in range(targets.shape[1]) if targets[:, c].sum() > 0]
    assert abs(reported - 100 * np.mean(aps)) < 1e-4


def test_launchers_reject_bad_arguments():
    cases = [('dist_train.sh', ['cfg.py'], 'usage: bash tools/dist_train.sh'),
             ('dist_test.sh', ['cfg.py', 'x.pth'],
              'usage: bash tools/dist_test.sh'),
             ('dist_train.sh', ['cfg.py', 'two'],
              "positive integer, got 'two'"),
             ('dist_test.sh', ['cfg.py', 'x.pth', '0'],
              "positive integer, got '0'")]
    for script, args, message in cases:
        done = subprocess.run(['bash', os.path.join(ROOT, 'tools', script),
                               *args], capture_output=True, text=True)
        assert done.returncode == 2, (script, args)
        assert message in done.stderr, done.stderr
