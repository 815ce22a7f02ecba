"""The frozen trunks of the matrix: where each is pre-trained, which one a
schedule check starts from, and what a frozen-trunk run records of it
(its pre-training itself: :func:`.runner.pretrained_trunk`)."""
import os.path as osp
from typing import Any, Dict, Optional, Tuple

from .records import load_result
from .stats import metric


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


def trunk_text(work_root: str, geometry: Optional[str]) -> Optional[str]:
    """``test mAP X after E epochs, best epoch B`` of that pre-training's
    own run (None before it ran)."""
    run = load_result(trunk_dir(work_root, geometry))
    if run is None:
        return None
    mAP = metric(run, 'mAP')
    return (f'test mAP {mAP:.1f} after {run.get("epochs")} epochs, best '
            f'epoch {run.get("best_epoch")}')
