"""The method's own training-time evidence about its labels."""
import re
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np
import torch

from mlc.datasets.label_store import LabelStore
from mlc.models.utils.override_table import OverrideTable

#: per-sample label tables that methods keep in their checkpoints: (N, C)
#: corrected labels in {1, 0, -1} (co-learning's label memory), dense ...
_CORRECTED_LABELS = re.compile(r'(^|\.)label_memory\.[A-Za-z0-9_]+$')
#: ... or sparse (an ``OverrideTable``: its ``dims``, ``keys``, ``values``)
_SPARSE_PART = re.compile(
    r'^((?:.*\.)?label_memory\.[A-Za-z0-9_]+)\.(dims|keys|values)$')
_SPARSE_PARTS = ('dims', 'keys', 'values')
#: rows of a sparse table read at a time
EVIDENCE_CHUNK = 1 << 14


def method_evidence(state_dict: Dict, observed: np.ndarray
                    ) -> Tuple[Optional[np.ndarray], List[str]]:
    """Labels that the method itself corrected during training.

    Methods that keep per-sample corrected labels store them in the model
    (co-learning's ``label_memory.<branch>``, (N, C) int8 in {1, 0, -1},
    indexed by training sample; a sparse memory, keys
    ``label_memory.<branch>.{dims,keys,values}``, holds the changes from
    the training labels, i.e. ``observed``, and is read in row chunks). A
    label counts as contradicted when any branch's corrected label
    disagrees with the observed one in the direction of an issue (a 0/-1
    corrected to 1, or a 1 corrected to 0/-1).
    Methods whose corrections are a function of the current predictions
    (SPLC's pseudo positives, COMIC's reflective correction) keep no
    per-sample state: the probabilities already carry that evidence.

    Args:
        state_dict (dict): Model weights of a checkpoint of a run trained
            on exactly the scored annotation.
        observed (np.ndarray): (N, C) int8 observed labels.

    Returns:
        tuple: (N, C) int8 in {0, 1} (1 = contradicted by the method) or
        None when the checkpoint holds no such table, and the keys used.
    """
    evidence, used = None, []
    for key, table in _label_tables(state_dict):
        if tuple(table.shape) != observed.shape:
            raise ValueError(
                f'checkpoint entry {key} has shape {tuple(table.shape)}, the '
                f'scored annotation {observed.shape}: the checkpoint was '
                'not trained on this annotation')
        if isinstance(table, OverrideTable):
            flip = _sparse_flips(table, observed)
        else:
            flip = (table == 1) != (observed == 1)
        evidence = flip if evidence is None else evidence | flip
        used.append(key)
    return (None if evidence is None else evidence.astype(np.int8)), used


def _label_tables(state_dict: Dict) -> Iterator[Tuple[str, object]]:
    """(key, table) of every corrected-label table of ``state_dict``: an
    (N, C) array, or a loaded :class:`OverrideTable` (no base attached)."""
    sparse: Dict[str, dict] = {}
    for key, value in state_dict.items():
        if _CORRECTED_LABELS.search(key):
            yield key, np.asarray(value.cpu().numpy() if hasattr(
                value, 'cpu') else value)
        match = _SPARSE_PART.match(key)
        if match:
            sparse.setdefault(match.group(1), {})[match.group(2)] = value
    for key, parts in sparse.items():
        if set(parts) != set(_SPARSE_PARTS):
            raise ValueError(
                f'checkpoint entry {key}: a sparse label memory needs '
                f'{", ".join(f"{key}.{p}" for p in _SPARSE_PARTS)}, got '
                f'only {", ".join(f"{key}.{p}" for p in sorted(parts))}')
        table = OverrideTable()
        table.load_state_dict({name: torch.as_tensor(value)
                               for name, value in parts.items()})
        yield key, table


def _sparse_flips(table: OverrideTable, observed: np.ndarray,
                  chunk: int = EVIDENCE_CHUNK) -> np.ndarray:
    """(N, C) bool: the positive state of a sparse table's rows differs
    from ``observed`` (its base), reading ``chunk`` rows at a time."""
    table.attach(LabelStore(observed))
    flip = np.zeros(observed.shape, dtype=bool)
    for start in range(0, observed.shape[0], chunk):
        stop = min(start + chunk, observed.shape[0])
        rows = table.rows(torch.arange(start, stop)).cpu().numpy()
        flip[start:stop] = (rows == 1) != (observed[start:stop] == 1)
    return flip
