"""What the figures of the package share: the work-dir readers, run labels,
colours and saving."""
import glob
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import matplotlib.pyplot as plt
import numpy as np

#: colours of successive runs (Okabe-Ito)
RUN_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00',
               '#56B4E9', '#000000']

Series = Dict[str, Tuple[np.ndarray, np.ndarray]]


def run_dirs(work_dir: str) -> List[str]:
    """The ``<timestamp>`` folders of a work dir with a ``vis_data/
    scalars.json`` (oldest first), or ``[work_dir]`` if it is one."""
    if osp.isfile(osp.join(work_dir, 'vis_data', 'scalars.json')):
        return [work_dir]
    if not osp.isdir(work_dir):
        raise FileNotFoundError(f'work dir not found: {work_dir}')
    found = sorted(osp.dirname(osp.dirname(p)) for p in glob.glob(
        osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not found:
        raise FileNotFoundError(f'{work_dir}: no <timestamp>/vis_data/'
                                'scalars.json (is it a training work dir?)')
    return found


def read_scalars(path: str) -> List[dict]:
    """Records of an mmengine ``scalars.json`` (one JSON object a line)."""
    records = []
    with open(path, encoding='utf-8') as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f'{path}:{line_no}: not JSON ({err.msg})'
                                 ) from None
            if not isinstance(record, dict) or 'step' not in record:
                raise ValueError(f'{path}:{line_no}: expected an object '
                                 'with a "step"')
            records.append(record)
    return records


def is_number(value) -> bool:
    """A logged int or float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def run_labels(paths: Sequence[str], legend: Optional[Sequence[str]]
               ) -> List[str]:
    """One legend name per run: ``legend``, else the runs' folder names
    (their paths where two share a name)."""
    if legend is None:
        return [osp.basename(osp.normpath(p)) if len(set(
            osp.basename(osp.normpath(q)) for q in paths)) == len(paths)
            else osp.normpath(p) for p in paths]
    if len(legend) != len(paths):
        raise ValueError(f'--legend has {len(legend)} names for '
                         f'{len(paths)} runs')
    return list(legend)


def save_figure(fig, out: str) -> str:
    """Write ``fig`` to ``out``, close it and return ``out``."""
    fig.savefig(out, dpi=100, bbox_inches='tight')
    plt.close(fig)
    return out

