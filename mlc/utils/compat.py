"""Safe checkpoint loading for mmengine 0.10.7 on torch >= 2.6.

torch >= 2.6 loads with ``weights_only=True``. mmengine checkpoints hold a
``MessageHub`` state with ``HistoryBuffer`` objects and numpy arrays/scalars,
which the weights-only unpickler refuses. :func:`register_safe_globals`
allowlists exactly those classes and patches ``HistoryBuffer.__getstate__``
so that it no longer pickles its statistics methods (functions are pickled
through ``builtins.getattr``, which must never be allowlisted). Everything
else (an arbitrary callable smuggled into a checkpoint) is still refused.
It also installs the weights-only loaders of :mod:`mlc.utils.checkpoint`.
"""
import numpy as np
import torch
from mmengine.logging import HistoryBuffer

from .checkpoint import install_safe_loaders

_REGISTERED = False


def _history_buffer_getstate(self: HistoryBuffer) -> dict:
    """State of a HistoryBuffer without its statistics methods."""
    state = dict(self.__dict__)
    state.pop('statistics_methods', None)
    return state


def _numpy_safe_globals() -> list:
    """numpy classes and reconstructors that arrays and scalars pickle to."""
    from numpy._core.multiarray import _reconstruct, scalar
    dtype_classes = [
        type(np.dtype(name)) for name in (
            'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16',
            'uint32', 'uint64', 'float16', 'float32', 'float64', 'complex64',
            'complex128', 'str', 'bytes')
    ]
    return [np.ndarray, np.dtype, _reconstruct, scalar, *dtype_classes]


def register_safe_globals() -> None:
    """Allowlist the globals of mmengine checkpoints for weights-only loads.

    Idempotent. Routes every checkpoint scheme of mmengine's
    ``CheckpointLoader`` to a weights-only loader, and makes
    ``HistoryBuffer`` pickle without functions, so checkpoints saved after
    this call load with ``weights_only=True``.
    """
    global _REGISTERED
    if _REGISTERED:
        return
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    torch.serialization.add_safe_globals([HistoryBuffer,
                                          *_numpy_safe_globals()])
    install_safe_loaders()
    _REGISTERED = True
