"""Start-up of distributed runs, including CPU-only (gloo) runs."""
import datetime
import inspect
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config

#: ``init_process_group`` arguments a config may set (``backend``, the
#: rendezvous and the rank come from torchrun).
_OPTIONS = tuple(
    name for name in inspect.signature(
        torch_dist.init_process_group).parameters
    if name not in ('backend', 'init_method', 'world_size', 'rank', 'store')
    and not name.startswith('_'))


def prepare_distributed(cfg: Config, launcher: str) -> None:
    """Set the launcher and initialise CPU process groups when needed.

    On GPUs mmengine's ``init_dist`` (called by the Runner) is used as is. On
    a machine without CUDA ``init_dist`` fails in ``torch.cuda.set_device``,
    so the gloo process group is created here from the torchrun environment
    (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``) with the
    other ``env_cfg.dist_cfg`` options (:func:`process_group_kwargs`, e.g.
    ``timeout``); the Runner then skips ``init_dist``. DDP is configured
    without device ids and without buffer broadcasting (per-sample state is
    synchronised by mlc).

    Args:
        cfg (Config): The run config; ``launcher`` and, on CPU,
            ``model_wrapper_cfg`` and ``env_cfg.dist_cfg.backend`` are set.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.
    """
    cfg.launcher = launcher
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher != 'pytorch':
        raise RuntimeError(f'launcher "{launcher}" on a machine without CUDA:'
                           ' use tools/dist_train.sh (torchrun, launcher '
                           '"pytorch") for CPU runs')
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        if key not in os.environ:
            raise RuntimeError(f'--launcher pytorch needs ${key}; start the '
                               'run with tools/dist_train.sh (torchrun)')
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = \
        'gloo'
    cfg.model_wrapper_cfg = dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        device_ids=None)
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(
            backend='gloo',
            **process_group_kwargs(cfg.env_cfg.dist_cfg))


def process_group_kwargs(dist_cfg: dict) -> dict:
    """``init_process_group`` keyword arguments of ``env_cfg.dist_cfg`` for
    the gloo group of a CPU run, as mmengine's ``init_dist`` passes them.

    ``timeout`` is in seconds (mmengine's convention) and becomes a
    ``timedelta``: a rank that waits longer than that for another one in a
    collective fails instead of blocking for torch's default 30 minutes.
    ``backend`` is replaced by gloo; mmengine's ``init_backend`` may only
    be ``'torch'``.

    Args:
        dist_cfg (dict): ``env_cfg.dist_cfg`` of the run config.

    Returns:
        dict: e.g. ``{'timeout': timedelta(seconds=1800)}``.

    Raises:
        ValueError: A key ``init_process_group`` does not take, an
            ``init_backend`` other than ``'torch'`` or a timeout <= 0.
        TypeError: A timeout that is not a number of seconds.
    """
    kwargs = {}
    for key, value in dist_cfg.items():
        if key == 'backend' or (key == 'init_backend' and value == 'torch'):
            continue
        if key == 'init_backend':
            raise ValueError(f'env_cfg.dist_cfg.init_backend={value!r} is '
                             "not supported on CPU runs (only 'torch')")
        if key not in _OPTIONS:
            raise ValueError(f'env_cfg.dist_cfg.{key} is not an argument of '
                             'torch.distributed.init_process_group (accepted:'
                             f' backend, init_backend, {", ".join(_OPTIONS)})')
        kwargs[key] = value
    if 'timeout' in kwargs:
        timeout = kwargs['timeout']
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise TypeError('env_cfg.dist_cfg.timeout must be a number of '
                            f'seconds, got {timeout!r}')
        if timeout <= 0:
            raise ValueError('env_cfg.dist_cfg.timeout must be positive, got '
                             f'{timeout}')
        kwargs['timeout'] = datetime.timedelta(seconds=timeout)
    return kwargs
