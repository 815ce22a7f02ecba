"""A corrected annotation from ranked label issues, with provenance."""
import copy
from typing import Dict, List, Tuple

import numpy as np

from mlc.datasets.annotation import dense_labels
from mlc.datasets.corruptions.common import (
    canonical,
    class_freq,
    write_observed,
)
from mlc.version import __version__
from .scoring import MISSING

#: what a suspected spurious positive becomes
SPURIOUS_TO = {'unknown': -1, 'negative': 0}


def corrected_annotation(ann: dict, issues: Dict[str, np.ndarray],
                         spurious_to: str, params: dict,
                         input_sha1: str) -> Tuple[dict, List[dict]]:
    """Apply the given issues to a copy of a standard annotation.

    A suspected missing positive becomes a positive; a suspected spurious
    positive becomes unknown (-1) or negative (0). With ``unknown`` the
    output lists negatives explicitly (``unlisted=-1``) so that the other
    labels keep their state. ``clean_pos`` is kept. The provenance gets
    ``{op: 'find_label_issues', params, seed: None, input_sha1,
    tool_version, info: {changes: [[data_list index, img_path, class,
    old, new, score], ...]}}``.

    Args:
        ann (dict): Input annotation (not modified).
        issues (dict): Issues to apply (arrays of
            :func:`~.scoring.rank_issues`, already selected).
        spurious_to (str): ``'unknown'`` or ``'negative'``.
        params (dict): The tool's parameters, recorded.
        input_sha1 (str): SHA-1 of the input file.

    Returns:
        tuple: The corrected annotation and the list of changes (dicts with
        ``index``, ``img_path``, ``class``, ``old``, ``new``, ``score``).
    """
    if spurious_to not in SPURIOUS_TO:
        raise ValueError(f'spurious_to must be one of {sorted(SPURIOUS_TO)}'
                         f', got {spurious_to!r}')
    out = copy.deepcopy(ann)
    observed, _ = dense_labels(out)
    unlisted = out['metainfo'].get('unlisted', -1)
    classes = out['metainfo']['classes']
    changes = []
    for row, col, kind, score in zip(issues['row'].tolist(),
                                     issues['col'].tolist(),
                                     issues['kind'].tolist(),
                                     issues['score'].tolist()):
        old = int(observed[row, col])
        new = 1 if kind == MISSING else SPURIOUS_TO[spurious_to]
        observed[row, col] = new
        entry = out['data_list'][row]
        changes.append({'index': row, 'img_path': str(entry.get(
            'img_path', entry.get('img_index'))), 'class': classes[col],
            'old': old, 'new': new, 'score': round(float(score), 4)})
    if (observed == -1).any():
        unlisted = -1
    write_observed(out, observed, unlisted)
    out['metainfo']['class_freq'] = class_freq(out)
    info = dict(changes=[[c['index'], c['img_path'], c['class'], c['old'],
                          c['new'], c['score']] for c in changes])
    entry = dict(op='find_label_issues', params=canonical(params), seed=None,
                 input_sha1=input_sha1, tool_version=__version__, info=info)
    out['metainfo']['provenance'] = list(
        out['metainfo'].get('provenance') or []) + [entry]
    return out, changes
