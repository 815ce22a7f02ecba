"""Building standard annotation dicts (docs/conventions.md section 3) in
converters."""
import hashlib
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np

from mlc.version import __version__


def file_sha1(*paths: str) -> str:
    """SHA-1 over the bytes of ``paths`` (in order): a converter's
    ``input_sha1``."""
    digest = hashlib.sha1()
    for path in paths:
        with open(path, 'rb') as f:
            for block in iter(lambda: f.read(1 << 20), b''):
                digest.update(block)
    return digest.hexdigest()


def converter_provenance(op: str, params: dict, inputs: Sequence[str],
                         info: Optional[dict] = None) -> dict:
    """Provenance entry ``{op, params, seed, input_sha1, tool_version}`` of a
    converter (seed None: converters draw nothing)."""
    entry = dict(op=op, params=dict(params), seed=None,
                 input_sha1=file_sha1(*inputs) if inputs else None,
                 tool_version=__version__)
    if info:
        entry['info'] = info
    return entry


def _ids(row: np.ndarray, value: int) -> List[int]:
    return np.flatnonzero(row == value).tolist()


def dense_to_annotation(names: Sequence[str], observed: np.ndarray,
                        classes: Sequence[str], unlisted: int, source: str,
                        provenance: Iterable[dict],
                        clean: Optional[np.ndarray] = None,
                        name_key: str = 'img_path',
                        extra_meta: Optional[Dict] = None) -> dict:
    """Standard multi-label annotation from dense labels.

    Args:
        names (Sequence[str]): (N,) image paths (relative to the prefix).
        observed (np.ndarray): (N, C) labels in {1, 0, -1}.
        classes (Sequence[str]): C class names.
        unlisted (int): -1 (negatives are listed in ``neg``) or 0 (``neg``
            stays empty; no -1 allowed).
        source (str): Free-text source.
        provenance (Iterable[dict]): Provenance entries, oldest first.
        clean (np.ndarray, optional): (N, C) {0, 1} clean labels.
        name_key (str): ``img_path`` or ``img_index``.
        extra_meta (dict, optional): More metainfo keys.
    """
    observed = np.asarray(observed)
    if observed.shape != (len(names), len(classes)):
        raise ValueError(f'labels of shape {observed.shape} do not match '
                         f'{len(names)} images x {len(classes)} classes')
    if unlisted == 0 and (observed == -1).any():
        raise ValueError('unlisted=0 cannot store unknown (-1) entries')
    data_list = []
    for i, name in enumerate(names):
        row = observed[i]
        entry = {name_key: name, 'pos': _ids(row, 1),
                 'neg': [] if unlisted == 0 else _ids(row, 0)}
        if clean is not None:
            entry['clean_pos'] = _ids(clean[i], 1)
        data_list.append(entry)
    meta = dict(classes=list(classes), task='multilabel', unlisted=unlisted,
                class_freq=(observed == 1).sum(0).tolist(), source=source,
                provenance=list(provenance))
    meta.update(extra_meta or {})
    return dict(metainfo=meta, data_list=data_list)
