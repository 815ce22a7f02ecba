"""The frozen trunks of the matrix: where each is pre-trained, which one a
schedule check starts from, and what a frozen-trunk run records of it
(its pre-training itself: :func:`.runner.pretrained_trunk`), and whether
a schedule check's runs started from the matrix's trunk."""
import os.path as osp
from collections import defaultdict
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .cell import Block
from .claims import Comparison
from .definition import blocks
from .records import load_result
from .stats import Key, Results, metric


def trunk_dir(work_root: str, geometry: Optional[str]) -> str:
    """Work dir of the clean pre-training of the trunk in ``geometry``."""
    return osp.join(work_root, 'pretrain', geometry or 'default')


def trunk_of(work_root: str, trunk_root: Optional[str],
             max_epochs: Optional[int]) -> Tuple[str, Optional[int]]:
    """(work root of the frozen trunks, their cap) of cells in
    ``work_root`` capped at ``max_epochs``: by default the work root's own
    trunk under the same cap; with ``trunk_root`` (a schedule check reusing
    the matrix's trunk, so its cells differ from the matrix's by the
    schedule alone) that root's trunk under the matrix's cap."""
    if trunk_root is None or osp.abspath(trunk_root) == osp.abspath(
            work_root):
        return work_root, max_epochs
    return trunk_root, None


def trunk_record(trunk_root: str, geometry: Optional[str]) -> Dict[str, Any]:
    """What a frozen-trunk run records of its trunk: the trunk's work root
    (its name: paths differ between machines) and its test metrics."""
    run = load_result(trunk_dir(trunk_root, geometry))
    return dict(root=osp.basename(osp.normpath(trunk_root)),
                metrics=run['metrics'])


def trunk_label(trunk: Optional[Dict[str, Any]]) -> str:
    """A run's recorded trunk (:func:`trunk_record`) in words."""
    if trunk is None:
        return 'an unrecorded trunk'
    return (f'the `{trunk["root"]}` trunk (test mAP '
            f'{metric(trunk, "mAP"):.3f})')


def trunk_quality(work_root: str, block: Block, cap: int) -> str:
    """The pre-trained trunk of ``block``'s geometry as its own run
    reports it (test mAP, epochs, best epoch); ``cap`` reached with the
    best epoch last: the trunk was still improving."""
    run = load_result(trunk_dir(work_root, block.geometry))
    if run is None:
        return f'- {block.name}: trunk not pre-trained yet.'
    still = (' (best epoch = the cap: still improving; the frozen and '
             'fine-tuned rows start from an unconverged trunk)'
             if run.get('best_epoch') == run.get('epochs') == cap else '')
    return (f'- {block.name}: on its own pre-training build the trunk '
            f'reached test mAP {metric(run, "mAP"):.1f} after '
            f'{run.get("epochs")} epochs, best epoch {run.get("best_epoch")}'
            f'{still}.')


def trunk_usage(results: Results, block: Block) -> str:
    """Which trunk (by its test mAP) the block's frozen-trunk runs started
    from, with their number per run seed."""
    frozen = {r.name for r in block.rows if r.frozen is not None}
    used: Dict[str, Dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (name, row, _), runs in results.items():
        for run in runs if name == block.name and row in frozen else []:
            used[trunk_label(run.get('trunk'))][run['seed']] += 1
    if not used:
        return f'- {block.name}: no frozen-trunk run finished yet.'
    return (f'- {block.name}: the frozen-trunk runs started from '
            + '; '.join(f'{label} (' + ', '.join(
                f'seed {s}: {n} run{"s" * (n != 1)}'
                for s, n in sorted(seeds.items())) + ')'
                for label, seeds in sorted(used.items())) + '.')


def trunk_caveat(comps: Sequence[Comparison], res: Results,
                  results: Results) -> str:
    """`` (confounded: …)`` when the check's runs (``res``) of a compared
    frozen-trunk row and the matrix's (``results``) did not all start from
    one trunk (e.g. the check pre-trained its own under its rule): its
    cells then differ from the matrix's by the trunk too."""
    if same_trunk(comps, res, results) is not False:
        return ''
    keys = frozen_keys(comps, res)
    return (f" (confounded: the check's runs start from "
            f'{trunk_labels(keys, res)}, the matrix\'s from '
            f'{trunk_labels(keys, results)}: its cells differ from the '
            "matrix's by the trunk too)")


def frozen_keys(comps: Sequence[Comparison], res: Results) -> List[Key]:
    """The cells of the compared rows that have a frozen trunk and runs in
    ``res`` (a check)."""
    known = blocks()
    return sorted({(c.block, row.name, c.column) for c in comps
                   for row in known[c.block].rows
                   if row.name in (c.row, c.base) and row.frozen is not None
                   and res.get((c.block, row.name, c.column))})


def trunk_labels(keys: Sequence[Key], res: Results) -> str:
    """The distinct trunks the runs of ``keys`` in ``res`` recorded."""
    return ' and '.join(sorted({trunk_label(r.get('trunk'))
                                for key in keys for r in res.get(key, [])}))


def same_trunk(comps: Sequence[Comparison], res: Results,
                results: Results) -> Optional[bool]:
    """Whether, in every compared frozen-trunk cell the check ran
    (:func:`frozen_keys`), all its runs (``res``) and all the matrix's
    (``results``) record one trunk
    (:func:`trunk_record`); None when no compared row has a frozen
    trunk, or none of these runs recorded one (runs older than the
    record: unknown)."""
    checked = frozen_keys(comps, res)
    if not any(r.get('trunk') for key in checked
               for r in res[key] + results.get(key, [])):
        return None
    return all(
        res[key][0].get('trunk') is not None and all(
            r.get('trunk') == res[key][0]['trunk']
            for r in res[key] + results.get(key, []))
        for key in checked)


def trunk_note(comps: Sequence[Comparison], res: Results,
                results: Results) -> str:
    """`` (the matrix's pre-trained trunk)`` when the compared frozen-trunk
    cells of the check and the matrix all start from one trunk, `` (its
    runs' trunk: …)`` when not, '' when unknown (:func:`same_trunk`)."""
    same = same_trunk(comps, res, results)
    if same is None:
        return ''
    if same:
        return ' (the matrix\'s pre-trained trunk)'
    labels = trunk_labels(frozen_keys(comps, res), res)
    return f" (its runs' trunk: {labels})"
