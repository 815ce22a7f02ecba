"""Weights-only checkpoint loading for every scheme mmengine routes.

mmengine's ``CheckpointLoader`` picks a loader by the filename's scheme.
Its own loaders are not all safe: the local, ``pavi://``, ``s3://`` and the
local branch of ``open-mmlab://`` call ``torch.load`` without
``weights_only`` (so ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` turns it off),
and ``http(s)://``, ``torchvision://``/``modelzoo://``, ``open-mmlab://``
and ``mmcls://`` go through ``torch.hub.load_state_dict_from_url``, whose
default unpickles arbitrary objects (also for a file already in the hub
cache). :func:`install_safe_loaders` replaces each of them by a loader that
resolves the same location and reads it with ``weights_only=True`` passed
explicitly (torch lets that environment variable override only a call that
does not set ``weights_only``), and makes ``CheckpointLoader`` refuse a
scheme registered later by anyone else. Every mmengine path goes through
``CheckpointLoader``: ``Runner.load_checkpoint``/``resume`` (``load_from``,
``--resume``, a work dir's ``last_checkpoint``), ``load_checkpoint`` and
``init_cfg=dict(type='Pretrained')``.
"""
import functools
import io
import os
import os.path as osp
import re
import tempfile
from typing import Any, Callable, Dict, Optional

import torch
from mmengine.dist import get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.logging import print_log
from mmengine.runner import checkpoint as ckpt_module

_HINT = ('Only tensors, plain containers, numpy arrays/scalars and '
         "mmengine's HistoryBuffer may appear in a checkpoint loaded by mlc.")


class UnsafeCheckpointError(ValueError):
    """A checkpoint holds an object outside mlc's weights-only allowlist, or
    its scheme has no weights-only loader."""


def _weights_only_load(source: Any, map_location: Any) -> Any:
    """``torch.load`` of a path or buffer with ``weights_only=True``."""
    return torch.load(source, map_location=map_location, weights_only=True)


def load_from_local(filename: str, map_location: Any = None) -> Any:
    """Load a local checkpoint file, weights only."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint not found: {filename}')
    return _weights_only_load(filename, map_location)


def load_from_http(url: str, map_location: Any = None,
                   model_dir: Optional[str] = None) -> Any:
    """Download (or take from the torch hub cache) and load, weights only.

    Rank 0 downloads first; the other ranks read its cached file.
    """
    load = functools.partial(
        torch.hub.load_state_dict_from_url, url, model_dir=model_dir,
        map_location=map_location, progress=os.isatty(0), weights_only=True)
    rank, world_size = get_dist_info()
    checkpoint = load() if rank == 0 else None
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = load()
    return checkpoint


def load_from_torchvision(filename: str, map_location: Any = None) -> Any:
    """``torchvision://NAME`` (or ``modelzoo://NAME``): torchvision's URL."""
    name = filename.split('://', 1)[1]
    urls = ckpt_module.get_torchvision_models()
    if name not in urls:
        raise KeyError(f'unknown torchvision model {name!r} in {filename!r}')
    return load_from_http(urls[name], map_location)


def load_from_openmmlab(filename: str, map_location: Any = None) -> Any:
    """``open-mmlab://NAME``: mmengine's URL table or a file in its home."""
    name = filename.split('://', 1)[1]
    name = ckpt_module.get_deprecated_model_names().get(name, name)
    urls = ckpt_module.get_external_models()
    if name not in urls:
        raise KeyError(f'unknown open-mmlab model {name!r} in {filename!r}')
    if urls[name].startswith(('http://', 'https://')):
        return load_from_http(urls[name], map_location)
    return load_from_local(
        osp.join(ckpt_module._get_mmengine_home(), urls[name]), map_location)


def load_from_mmcls(filename: str, map_location: Any = None) -> Any:
    """``mmcls://NAME``: the backbone weights of an mmcls model."""
    name = filename[len('mmcls://'):]
    urls = ckpt_module.get_mmcls_models()
    if name not in urls:
        raise KeyError(f'unknown mmcls model {name!r} in {filename!r}')
    return ckpt_module._process_mmcls_checkpoint(
        load_from_http(urls[name], map_location))


def load_from_pavi(filename: str, map_location: Any = None) -> Any:
    """``pavi://PATH``: download from the pavi model cloud, then load."""
    from pavi import modelcloud
    model = modelcloud.get(filename[len('pavi://'):])
    with tempfile.TemporaryDirectory() as tmp_dir:
        downloaded = osp.join(tmp_dir, model.name)
        model.download(downloaded)
        return _weights_only_load(downloaded, map_location)


def load_from_ceph(filename: str, map_location: Any = None) -> Any:
    """``s3://`` / ``petrel://``: read the bytes through mmengine's petrel
    backend, then load."""
    backend = get_file_backend(filename, backend_args=dict(backend='petrel'))
    with io.BytesIO(backend.get(filename)) as buffer:
        return _weights_only_load(buffer, map_location)


#: mmengine's loader of each scheme -> its weights-only replacement
SAFE_LOADERS: Dict[Callable, Callable] = {
    ckpt_module.load_from_local: load_from_local,
    ckpt_module.load_from_http: load_from_http,
    ckpt_module.load_from_torchvision: load_from_torchvision,
    ckpt_module.load_from_openmmlab: load_from_openmmlab,
    ckpt_module.load_from_mmcls: load_from_mmcls,
    ckpt_module.load_from_pavi: load_from_pavi,
    ckpt_module.load_from_ceph: load_from_ceph,
}


def _refusal(filename: str, err: Exception) -> Optional[str]:
    """Why torch's weights-only unpickler refused ``filename`` (or None)."""
    if 'Weights only load failed' not in str(err):
        return None
    found = re.search(
        r'(?:Unsupported global: GLOBAL|unsupported GLOBAL) ([\w.]+)',
        str(err))
    detail = (f'it holds the disallowed global {found.group(1)}.'
              if found else 'it holds a disallowed object.')
    return f'Refused to load checkpoint {filename!r}: {detail} {_HINT}'


def load_checkpoint(cls, filename: str, map_location: Any = None,
                    logger: str = 'current') -> Any:
    """``CheckpointLoader.load_checkpoint`` through the weights-only loaders.

    Raises:
        UnsafeCheckpointError: The checkpoint holds a disallowed object, or
            its scheme has no weights-only loader.
    """
    loader = cls._get_checkpoint_loader(filename)
    if loader not in SAFE_LOADERS.values():
        raise UnsafeCheckpointError(
            f'Refused to load checkpoint {filename!r}: its scheme is served '
            f'by {loader.__module__}.{loader.__qualname__}, which mlc cannot '
            'check loads weights only.')
    print_log(f'Loads checkpoint (weights only) by {loader.__name__[10:]} '
              f'backend from path: {filename}', logger=logger)
    try:
        return loader(filename, map_location)
    except Exception as err:
        message = _refusal(filename, err)
        if message is None:
            raise
        raise UnsafeCheckpointError(message) from None


def install_safe_loaders() -> None:
    """Route every scheme of ``CheckpointLoader`` to a weights-only loader.

    Idempotent; a scheme whose loader is not one of mmengine's known ones
    is left in place and refused at load time.
    """
    schemes = ckpt_module.CheckpointLoader._schemes
    for prefix, loader in list(schemes.items()):
        schemes[prefix] = SAFE_LOADERS.get(loader, loader)
    ckpt_module.CheckpointLoader.load_checkpoint = classmethod(load_checkpoint)
