"""Restricted unpickler for the published split files (DB loss, Stitch-Up,
COMIC ``*.pkl``) and the CIFAR python batches.

Those pickles hold only plain containers, numpy arrays, numpy scalars and
sets, written by Python 2 or by Python 3 with protocol 2 (bytes pickled as
``_codecs.encode(str, 'latin1')``). :func:`safe_load_pickle` admits exactly
these globals; any other global (``os.system``, ``builtins.eval``,
``builtins.getattr``, an arbitrary class) raises :class:`UnsafePickleError`
naming the file and the global. Python-2 ``str`` objects are decoded with
``encoding='latin1'`` (the numpy-recommended setting for array buffers).

The allowed constructors can still be asked for a huge allocation by a tiny
file (``bytes(10**11)``, an array of shape ``(10**10,)``, ``list()`` of a
large array, an object array whose shape does not match its data). The
unpickler therefore charges every object it constructs (arrays by their
data size, containers by 64 bytes a slot) against a budget and refuses the
file, naming it, before a call would exceed it. The budget is
:data:`DEFAULT_MAX_BYTES` (1 GiB, enough for CIFAR-100's 150 MB batch) and
can be changed with the ``MLC_PICKLE_MAX_BYTES`` environment variable or
the ``max_bytes`` argument. Only ``REDUCE`` calls of allowlisted globals,
``BUILD`` of numpy arrays and dtypes, and plain container opcodes run;
``NEWOBJ``/``INST``/``OBJ`` (which could call a constructor without the
checks) are refused.
"""
import builtins
import codecs
import io
import operator
import os
import pickle
import sys
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np
from numpy._core.multiarray import _reconstruct, scalar


class UnsafePickleError(pickle.UnpicklingError, ValueError):
    """A pickle refers to a global outside the allowlist, uses a refused
    opcode, or would allocate more than the memory budget."""


#: default memory budget of one pickle, in bytes
DEFAULT_MAX_BYTES = 1 << 30
#: environment variable that overrides :data:`DEFAULT_MAX_BYTES`
MAX_BYTES_ENV = 'MLC_PICKLE_MAX_BYTES'
#: bytes charged per slot of a container built by a constructor call (the
#: slot plus, for numpy input, the scalar object it creates)
_SLOT_BYTES = 64


def max_pickle_bytes() -> int:
    """The memory budget of one pickle (``MLC_PICKLE_MAX_BYTES`` or 1 GiB)."""
    value = os.environ.get(MAX_BYTES_ENV)
    if value is None:
        return DEFAULT_MAX_BYTES
    try:
        return int(value)
    except ValueError:
        raise ValueError(f'{MAX_BYTES_ENV} must be a number of bytes, got '
                         f'{value!r}') from None


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


def _array_bytes(shape: Any, dtype: Any) -> int:
    """Data size of an array of ``shape`` and ``dtype`` (no allocation)."""
    dims = tuple(shape) if hasattr(shape, '__len__') else (shape, )
    count = 1
    for dim in dims:
        count *= max(int(dim), 0)
    return count * np.dtype(dtype).itemsize


def _size_of(obj: Any) -> int:
    """Memory held by a constructed object (an array's data included)."""
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    return sys.getsizeof(obj)


class RestrictedUnpickler(pickle._Unpickler):
    """Unpickler whose ``find_class`` admits only containers and numpy data
    and whose constructor calls stay within a memory budget.

    The pure-Python unpickler is used so that ``REDUCE`` and ``BUILD`` can
    be checked before they run.

    Args:
        file: Binary file object.
        source (str): Name used in error messages.
        max_bytes (int, optional): Memory budget; ``None`` for
            :func:`max_pickle_bytes`.
    """

    _allowed: Dict[Tuple[str, str], Callable] = {}
    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, file, source: str = '<pickle>',
                 max_bytes: Optional[int] = None) -> None:
        super().__init__(file, encoding='latin1', fix_imports=True)
        self.source = source
        self.max_bytes = max_pickle_bytes() if max_bytes is None else max_bytes
        self.used = 0
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

    def _check(self, nbytes: int, what: str) -> None:
        """Refuse before the total would exceed the budget."""
        if self.used + nbytes > self.max_bytes:
            raise UnsafePickleError(
                f'{self.source}: refused to unpickle {what}: it needs '
                f'{nbytes} bytes and the pickle may allocate at most '
                f'{self.max_bytes} bytes in all (set {MAX_BYTES_ENV} to '
                'raise the limit for a trusted file)')

    def _call_cost(self, func: Callable, args: tuple) -> int:
        """Bytes a call of an allowlisted ``func`` may allocate."""
        first = args[0] if args else None
        if func in (bytes, bytearray, np.bytes_):
            if hasattr(first, '__index__'):
                return operator.index(first)
            # a str encodes to at most 4 bytes a character
            return 4 * len(first) if hasattr(first, '__len__') else 0
        if func is np.ndarray and (len(args) < 3 or args[2] is None):
            return _array_bytes(first, args[1] if len(args) > 1 else float)
        if func is _reconstruct and len(args) == 3:
            return _array_bytes(args[1], args[2])
        if func is scalar and isinstance(first, np.dtype):
            return first.itemsize
        if hasattr(first, '__len__') and func in (list, tuple, set,
                                                  frozenset, dict):
            return len(first) * _SLOT_BYTES
        return 0

    def load_reduce(self) -> None:
        stack = self.stack
        args = stack.pop()
        func = stack[-1]
        name = getattr(func, '__name__', type(func).__name__)
        if not any(func is allowed for allowed in self._allowed.values()):
            raise UnsafePickleError(
                f'{self.source}: refused to call {name} (not an allowlisted '
                'constructor)')
        cost = self._call_cost(func, args)
        self._check(cost, f'a call of {name}')
        stack[-1] = func(*args)
        self.used += max(cost, _size_of(stack[-1]))

    def load_build(self) -> None:
        stack = self.stack
        state = stack.pop()
        inst = stack[-1]
        if isinstance(inst, np.ndarray):
            if not isinstance(state, tuple) or len(state) not in (4, 5):
                raise UnsafePickleError(
                    f'{self.source}: malformed numpy array state')
            nbytes = _array_bytes(state[-4], state[-3])
            self._check(nbytes, 'an array')
            inst.__setstate__(state)
            self.used += nbytes
        elif isinstance(inst, np.dtype):
            inst.__setstate__(state)
        else:
            raise UnsafePickleError(
                f'{self.source}: refused to set the state of a '
                f'{type(inst).__name__} (only numpy arrays and dtypes)')

    def _refuse_opcode(self) -> None:
        raise UnsafePickleError(
            f'{self.source}: the opcodes NEWOBJ, NEWOBJ_EX, INST and OBJ are '
            'not allowed in split files')

    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.BUILD[0]] = load_build
    for _opcode in (pickle.NEWOBJ, pickle.NEWOBJ_EX, pickle.INST, pickle.OBJ):
        dispatch[_opcode[0]] = _refuse_opcode
    del _opcode


def safe_load_pickle(path_or_bytes, max_bytes: Optional[int] = None) -> Any:
    """Load a pickle with :class:`RestrictedUnpickler`.

    Args:
        path_or_bytes (str | bytes): File path or the pickle bytes.
        max_bytes (int, optional): Memory budget of the load; ``None`` for
            ``MLC_PICKLE_MAX_BYTES`` or :data:`DEFAULT_MAX_BYTES`.

    Returns:
        The unpickled object (dicts, lists, sets, numpy arrays, ...).

    Raises:
        UnsafePickleError: A refused global or opcode, or an allocation over
            the budget, naming the file.
    """
    if isinstance(path_or_bytes, (bytes, bytearray)):
        return RestrictedUnpickler(io.BytesIO(path_or_bytes),
                                   max_bytes=max_bytes).load()
    with open(path_or_bytes, 'rb') as f:
        try:
            return RestrictedUnpickler(f, source=str(path_or_bytes),
                                       max_bytes=max_bytes).load()
        except UnsafePickleError:
            raise
        except Exception as err:
            raise pickle.UnpicklingError(
                f'{path_or_bytes}: not a readable pickle ({err})') from None
