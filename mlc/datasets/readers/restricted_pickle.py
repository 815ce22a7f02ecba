"""Restricted unpickler for the published split files (DB loss, Stitch-Up,
COMIC ``*.pkl``).

Those pickles hold only plain containers, numpy arrays, numpy scalars and
sets, written by Python 2 or by Python 3 with protocol 2 (bytes pickled as
``_codecs.encode(str, 'latin1')``). :func:`safe_load_pickle` admits exactly
these globals; any other global (``os.system``, ``builtins.eval``,
``builtins.getattr``, an arbitrary class) raises :class:`UnsafePickleError`
naming the file and the global. Python-2 ``str`` objects are decoded with
``encoding='latin1'`` (the numpy-recommended setting for array buffers).
(``mlc.utils.safe_pickle`` is the CIFAR-archive variant: bytes-encoded, no
sets.)
"""
import builtins
import codecs
import io
import pickle
from typing import Any, Callable, Dict, Tuple

import numpy as np


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle refers to a global outside the allowlist."""


def _latin1_encode(obj: Any, encoding: str = 'utf-8',
                   errors: str = 'strict') -> bytes:
    """``_codecs.encode`` restricted to str -> bytes with latin-1 (how
    protocol-2 pickles of Python 3 ``bytes`` are written)."""
    if not isinstance(obj, str) or codecs.lookup(encoding).name not in (
            'iso8859-1', 'latin-1'):
        raise UnsafePickleError(
            f'_codecs.encode({type(obj).__name__}, {encoding!r}) is not '
            'allowed (only str -> bytes with latin1)')
    return obj.encode('latin1', errors)


def _allowed_globals() -> Dict[Tuple[str, str], Callable]:
    from numpy._core.multiarray import _reconstruct, scalar
    allowed = {}
    for module in ('numpy.core.multiarray', 'numpy._core.multiarray'):
        allowed[(module, '_reconstruct')] = _reconstruct
        allowed[(module, 'scalar')] = scalar
    allowed[('numpy', 'ndarray')] = np.ndarray
    allowed[('numpy', 'dtype')] = np.dtype
    for name in ('bool', 'int8', 'int16', 'int32', 'int64', 'uint8',
                 'uint16', 'uint32', 'uint64', 'float16', 'float32',
                 'float64', 'complex64', 'complex128', 'str_', 'bytes_'):
        cls = getattr(np, name)
        allowed[('numpy', name)] = cls
        dtype_cls = type(np.dtype(cls))
        allowed[('numpy.dtypes', dtype_cls.__name__)] = dtype_cls
    for name in ('set', 'frozenset', 'list', 'dict', 'tuple', 'int', 'float',
                 'complex', 'bool', 'str', 'bytes', 'bytearray'):
        for module in ('builtins', '__builtin__'):
            allowed[(module, name)] = getattr(builtins, name)
    allowed[('_codecs', 'encode')] = _latin1_encode
    allowed[('collections', 'OrderedDict')] = dict
    return allowed


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler whose ``find_class`` admits only containers and numpy data.

    Args:
        file: Binary file object.
        source (str): Name used in error messages.
    """

    _allowed: Dict[Tuple[str, str], Callable] = {}

    def __init__(self, file, source: str = '<pickle>') -> None:
        super().__init__(file, encoding='latin1', fix_imports=True)
        self.source = source
        if not RestrictedUnpickler._allowed:
            RestrictedUnpickler._allowed = _allowed_globals()

    def find_class(self, module: str, name: str) -> Any:
        found = self._allowed.get((module, name))
        if found is None:
            raise UnsafePickleError(
                f'{self.source}: refused to unpickle the global '
                f'{module}.{name}; only plain containers, sets and numpy '
                'arrays/scalars/dtypes are allowed in split files')
        return found

    def persistent_load(self, pid: Any) -> Any:
        raise UnsafePickleError(
            f'{self.source}: persistent ids are not allowed ({pid!r})')


def safe_load_pickle(path_or_bytes) -> Any:
    """Load a pickle with :class:`RestrictedUnpickler`.

    Args:
        path_or_bytes (str | bytes): File path or the pickle bytes.

    Returns:
        The unpickled object (dicts, lists, sets, numpy arrays, ...).
    """
    if isinstance(path_or_bytes, (bytes, bytearray)):
        return RestrictedUnpickler(io.BytesIO(path_or_bytes)).load()
    with open(path_or_bytes, 'rb') as f:
        try:
            return RestrictedUnpickler(f, source=str(path_or_bytes)).load()
        except UnsafePickleError:
            raise
        except Exception as err:
            raise pickle.UnpicklingError(
                f'{path_or_bytes}: not a readable pickle ({err})') from None
