"""CPU (gloo) start-up honours ``env_cfg.dist_cfg``: a rank blocked in a
collective fails after the configured timeout, not torch's 30 minutes."""
import datetime
import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest
import torch.distributed as torch_dist
from conftest import ROOT
from mmengine.config import Config

from mlc.utils.launcher import prepare_distributed, process_group_kwargs


def test_dist_cfg_options_reach_the_gloo_group(monkeypatch):
    calls = []
    monkeypatch.setattr(torch_dist, 'is_initialized', lambda: False)
    monkeypatch.setattr(torch_dist, 'init_process_group',
                        lambda **kwargs: calls.append(kwargs))
    for key, value in dict(RANK='0', WORLD_SIZE='1', MASTER_ADDR='127.0.0.1',
                           MASTER_PORT='29999').items():
        monkeypatch.setenv(key, value)
    cfg = Config(dict(env_cfg=dict(dist_cfg=dict(
        backend='nccl', timeout=7, group_name='mlc', init_backend='torch'))))
    prepare_distributed(cfg, 'pytorch')
    assert calls == [dict(backend='gloo', group_name='mlc',
                          timeout=datetime.timedelta(seconds=7))]
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'


@pytest.mark.parametrize('dist_cfg,error,message', [
    (dict(timeout='30m'), TypeError, "timeout must be a number of seconds, "
     "got '30m'"),
    (dict(timeout=0), ValueError, 'timeout must be positive'),
    (dict(timout=5), ValueError, 'env_cfg.dist_cfg.timout is not an argument'),
    (dict(init_backend='deepspeed'), ValueError,
     "init_backend='deepspeed' is not supported"),
])
def test_bad_dist_cfg_gives_one_line(dist_cfg, error, message):
    with pytest.raises(error, match=message):
        process_group_kwargs(dist_cfg)


RANK_SCRIPT = textwrap.dedent('''
    import os, sys, time
    import torch, torch.distributed as dist
    from mmengine.config import Config
    from mlc.utils.launcher import prepare_distributed
    cfg = Config(dict(env_cfg=dict(dist_cfg=dict(backend='nccl',
                                                 timeout=3))))
    prepare_distributed(cfg, 'pytorch')
    if dist.get_rank() == 1:
        time.sleep(300)  # a hung rank
    start = time.time()
    try:
        dist.all_reduce(torch.ones(1))
    except RuntimeError as err:
        print(f'failed after {time.time() - start:.1f} s: {err}', flush=True)
        # skip the interpreter's teardown: gloo's destructor can abort
        # ('terminate called without an active exception') while the
        # timed-out collective's thread is still alive
        os._exit(0)
    sys.exit('all_reduce returned')
''')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_configured_timeout_stops_a_rank_waiting_for_a_hung_one():
    port = str(free_port())
    ranks = []
    for rank in (0, 1):
        env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(rank),
                   WORLD_SIZE='2', MASTER_ADDR='127.0.0.1', MASTER_PORT=port,
                   OMP_NUM_THREADS='1',
                   PYTHONPATH=ROOT + os.pathsep +
                   os.environ.get('PYTHONPATH', ''))
        ranks.append(subprocess.Popen(
            [sys.executable, '-c', RANK_SCRIPT], env=env, cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    start = time.time()
    try:
        out, err = ranks[0].communicate(timeout=90)
    finally:
        for proc in ranks:
            proc.kill()
            proc.communicate()
    assert ranks[0].returncode == 0, err[-2000:]
    seconds = float(out.split('failed after ')[1].split(' s')[0])
    # the 3 s timeout, not torch's default 30 minutes
    assert 2.5 <= seconds < 30, out
    assert time.time() - start < 90
