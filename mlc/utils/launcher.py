"""Start-up of distributed runs, including CPU-only (gloo) runs."""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def prepare_distributed(cfg: Config, launcher: str) -> None:
    """Set the launcher and initialise CPU process groups when needed.

    On GPUs mmengine's ``init_dist`` (called by the Runner) is used as is. On
    a machine without CUDA ``init_dist`` fails in ``torch.cuda.set_device``,
    so the gloo process group is created here from the torchrun environment
    (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``); the Runner
    then skips ``init_dist``. DDP is configured without device ids and
    without buffer broadcasting (per-sample state is synchronised by mlc).

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
        torch_dist.init_process_group(backend='gloo')
