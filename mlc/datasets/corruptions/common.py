"""Shared machinery of the corruption toolkit.

Every op is a pure function ``(annotation, **params, seed) -> annotation`` on
the standard annotation dict (docs/conventions.md section 3). :func:`run_op`
implements the rules common to all ops:

- RNG ``Generator(PCG64(SeedSequence([seed, op_id])))`` with a fixed
  ``op_id`` per op (:data:`OP_IDS`), so ops chained with one seed draw from
  independent streams;
- ``clean_pos`` is set from the positives when the input is fully observed and
  uncorrupted (``unlisted=0``, empty provenance) and never invented otherwise;
- provenance: ``{op, params, seed, input_sha1, tool_version}`` is appended
  (plus ``info`` for data-dependent facts such as a resolved ``k``);
- idempotence: if the last provenance entry is the same op with the same
  params and seed, the input is returned unchanged;
- ``class_freq`` is recomputed from the output.

Output JSON is canonical (:func:`dumps_canonical`): sorted keys, one
``data_list`` entry per line, so the same input, params and seed give a
byte-identical file.
"""
import copy
import hashlib
import json
from typing import Callable, List, Optional, Tuple, Union

import numpy as np
from mmengine.logging import MMLogger

from mlc.utils.atomic_file import atomic_write
from mlc.version import __version__
from ..annotation import AnnotationError, dense_labels

#: Stream id of each op in ``SeedSequence([seed, op_id])``; never renumber.
OP_IDS = {
    'drop_positives_hill': 1,
    'single_positive': 2,
    'keep_positives_bernoulli': 3,
    'keep_entries': 4,
    'inject_noise': 5,
    'candidates_uniform': 6,
    'candidates_hierarchical': 7,
    'longtail_subsample': 8,
    'split_holdout': 9,
}

OpResult = Union[dict, Tuple[dict, dict]]


def op_rng(seed: int, op: str) -> np.random.Generator:
    """The RNG of ``op``: ``Generator(PCG64(SeedSequence([seed, op_id])))``."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([seed, OP_IDS[op]])))


def _json_default(obj):
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f'{type(obj).__name__} is not JSON serialisable')


def canonical(obj):
    """``obj`` after a JSON round trip (numpy scalars -> Python, tuples ->
    lists), the form in which params are recorded and compared."""
    return json.loads(json.dumps(obj, sort_keys=True, default=_json_default))


def _compact(obj) -> str:
    return json.dumps(obj, sort_keys=True, default=_json_default)


def _layout(obj, depth: int) -> str:
    """Sorted-key JSON: the top two dict levels one key per line, lists of
    dicts one element per line, everything else compact."""
    pad = ' ' * depth
    if isinstance(obj, dict) and depth < 2 and obj:
        items = [f'{pad} {json.dumps(k)}: {_layout(obj[k], depth + 1)}'
                 for k in sorted(obj)]
        return '{\n' + ',\n'.join(items) + f'\n{pad}}}'
    if isinstance(obj, list) and obj and all(isinstance(e, dict)
                                             for e in obj):
        return '[\n' + ',\n'.join(f'{pad} {_compact(e)}'
                                  for e in obj) + f'\n{pad}]'
    return _compact(obj)


def dumps_canonical(obj: dict) -> str:
    """Canonical JSON text of a dict such as an annotation: sorted keys, one
    ``data_list`` entry, metainfo key or provenance entry per line, trailing
    newline."""
    return _layout(obj, 0) + '\n'


def annotation_sha1(ann: dict) -> str:
    """SHA-1 of :func:`dumps_canonical` (the ``input_sha1`` of provenance)."""
    return hashlib.sha1(dumps_canonical(ann).encode('utf-8')).hexdigest()


def save_annotation(path: str, ann: dict) -> None:
    """Write ``ann`` canonically and atomically (temp file + rename)."""
    with atomic_write(path, 'w', encoding='utf-8') as f:
        f.write(dumps_canonical(ann))


def num_classes(ann: dict) -> int:
    return len(ann['metainfo']['classes'])


def task(ann: dict) -> str:
    return ann['metainfo'].get('task', 'multilabel')


def observed_labels(ann: dict) -> np.ndarray:
    """(N, C) int8 observed labels in {1, 0, -1} of a multi-label file."""
    require_task(ann, 'multilabel')
    return dense_labels(ann)[0]


def clean_labels(ann: dict) -> Optional[np.ndarray]:
    """(N, C) int8 clean labels in {0, 1}, or None without ``clean_pos``."""
    require_task(ann, 'multilabel')
    return dense_labels(ann)[1]


def candidate_matrix(ann: dict) -> np.ndarray:
    """(N, C) bool candidate sets of a PLL file."""
    require_task(ann, 'pll')
    out = np.zeros((len(ann['data_list']), num_classes(ann)), dtype=bool)
    for i, entry in enumerate(ann['data_list']):
        out[i, entry['candidates']] = True
    return out


def require_task(ann: dict, wanted: str) -> None:
    if task(ann) != wanted:
        raise AnnotationError(f'expected a "{wanted}" annotation, got task '
                              f'"{task(ann)}"')


def write_observed(ann: dict, observed: np.ndarray, unlisted: int) -> None:
    """Store dense observed labels as sparse ``pos``/``neg`` lists, in place.

    Args:
        ann (dict): Multi-label annotation with N entries.
        observed (np.ndarray): (N, C) labels in {1, 0, -1}.
        unlisted (int): State of classes in neither list (-1 or 0); with 0
            the matrix must hold no -1 and ``neg`` stays empty.
    """
    if unlisted == 0 and (observed == -1).any():
        raise ValueError('unlisted=0 cannot store unknown (-1) entries')
    for entry, row in zip(ann['data_list'], observed):
        entry['pos'] = np.flatnonzero(row == 1).tolist()
        entry['neg'] = [] if unlisted == 0 else np.flatnonzero(
            row == 0).tolist()
    ann['metainfo']['unlisted'] = unlisted


def class_freq(ann: dict) -> List[int]:
    """Observed positives (multi-label) or candidate memberships (PLL) per
    class; never clean labels."""
    if task(ann) == 'pll':
        return candidate_matrix(ann).sum(0).tolist()
    return (observed_labels(ann) == 1).sum(0).tolist()


def apply_clean_rule(ann: dict) -> None:
    """Set ``clean_pos`` from ``pos`` when the file is fully observed and
    uncorrupted (``unlisted=0``, no provenance), in place; else leave it."""
    meta = ann['metainfo']
    if (task(ann) == 'multilabel' and meta.get('unlisted', -1) == 0
            and not meta.get('provenance')):
        for entry in ann['data_list']:
            entry.setdefault('clean_pos', list(entry['pos']))


def is_repeat(ann: dict, op: str, params: dict, seed: int) -> bool:
    """Whether the last provenance entry is ``op`` with these params/seed."""
    prov = ann['metainfo'].get('provenance') or []
    if not prov:
        return False
    last = prov[-1]
    return (last.get('op') == op and last.get('seed') == seed
            and canonical(last.get('params')) == canonical(params))


def provenance_entry(op: str, params: dict, seed: int, input_sha1: str,
                     info: Optional[dict] = None) -> dict:
    entry = dict(op=op, params=canonical(params), seed=seed,
                 input_sha1=input_sha1, tool_version=__version__)
    if info:
        entry['info'] = canonical(info)
    return entry


def finish(out: dict, entry: dict) -> dict:
    """Recompute ``class_freq`` and append ``entry`` to the provenance."""
    meta = out['metainfo']
    meta['class_freq'] = class_freq(out)
    meta['provenance'] = list(meta.get('provenance') or []) + [entry]
    return out


def run_op(ann: dict, op: str, params: dict, seed: int,
           impl: Callable[..., OpResult]) -> dict:
    """Apply ``impl(work, rng, **params)`` with the toolkit rules.

    Args:
        ann (dict): Input annotation (not modified).
        op (str): Op name (a key of :data:`OP_IDS`).
        params (dict): The op's parameters as called (defaults filled in).
        seed (int): Data seed.
        impl (callable): Works on a deep copy with the clean rule applied and
            returns the output annotation, or ``(output, info)``.

    Returns:
        dict: The output annotation (a copy of the input when repeated).
    """
    if is_repeat(ann, op, params, seed):
        MMLogger.get_current_instance().info(
            f'{op}: the input is already the output of {op}({params}, '
            f'seed={seed}); returned unchanged')
        return copy.deepcopy(ann)
    work = copy.deepcopy(ann)
    apply_clean_rule(work)
    result = impl(work, op_rng(seed, op), **params)
    out, info = result if isinstance(result, tuple) else (result, None)
    return finish(out, provenance_entry(op, params, seed,
                                        annotation_sha1(ann), info))

