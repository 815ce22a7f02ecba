"""Show the images of a dataset split in a grid with their labels.

Multi-label data: the observed positives of each image; where the file
has clean labels, the observed positives that are clean (``label``), the
clean positives that were not observed (``missing``, blue) and the observed
positives that are not clean (``spurious``, orange). Partial-label data:
the candidate set and, where known, the true label. Images are read as the
dataset stores them (no augmentation).

Example::

    python tools/analysis_tools/browse_dataset.py \\
        configs/baselines/bce_r18_digitmosaic-plt.py --split train \\
        --out work_dirs/browse --num 24
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

import numpy as np
from mmengine.config import Config
from PIL import Image

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

from mlc.registry import DATASETS  # noqa: E402
from mlc.utils import cli  # noqa: E402
from mlc.utils.setup_env import register_all_modules  # noqa: E402
from mlc.visualization.label_grid import GridCell, LabelLine, draw_label_grid  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file')
    parser.add_argument('--split', default='train',
                        choices=['train', 'val', 'test'],
                        help='which dataloader dataset to show')
    parser.add_argument('--out', required=True,
                        help='folder of the output <split>.png')
    parser.add_argument('--num', type=int, default=32,
                        help='number of images (default 32)')
    parser.add_argument('--start', type=int, default=0,
                        help='first sample index (default 0)')
    parser.add_argument('--ncols', type=int, default=8,
                        help='images per row (default 8)')
    parser.add_argument('--format', default='png',
                        choices=['png', 'pdf', 'svg'])
    parser.add_argument('--cfg-options', nargs='+', action='extend',
                        metavar='KEY=VALUE', help='override config settings')
    cli.add_debug_flag(parser)
    return parser.parse_args(argv)


def build_dataset(cfg: Config, split: str):
    """The split's dataset without its pipeline (the stored images); a
    dataset wrapper (``dataset=...``) is unwrapped to its inner dataset."""
    loader = cfg.get(f'{split}_dataloader')
    if not loader or 'dataset' not in loader:
        raise KeyError(f'{split}_dataloader.dataset is not in the config')
    dataset_cfg = loader['dataset'].copy()
    while 'dataset' in dataset_cfg:
        dataset_cfg = dataset_cfg['dataset'].copy()
    dataset_cfg['pipeline'] = []
    register_all_modules(init_default_scope=True)
    dataset = DATASETS.build(dataset_cfg)
    dataset.full_init()
    return dataset


def load_image(info: dict) -> np.ndarray:
    """(H, W) or (H, W, 3) uint8 RGB image of a data info."""
    if info.get('img') is not None:  # array-backed datasets (CIFAR)
        return np.asarray(info['img'], dtype=np.uint8)
    path = info.get('img_path')
    if path is None:
        raise KeyError('a dataset sample has neither "img" nor "img_path"')
    if not osp.isfile(path):
        raise FileNotFoundError(f'image not found: {path}')
    with Image.open(path) as img:
        return np.asarray(img.convert('L' if img.mode in ('L', 'I;16')
                                      else 'RGB'))


def _names(classes: List[str], ids) -> List[str]:
    return [classes[int(c)] for c in ids]


def label_lines(info: dict, classes: List[str]) -> List[LabelLine]:
    """The label lines of one sample (see the module docstring).

    Args:
        info (dict): A data info: multi-label ``gt_score`` (C,) in
            {1, 0, -1} and optional ``gt_clean`` (C,) in {0, 1}, or PLL
            ``candidates`` (C,) in {0, 1} and optional ``gt_label`` (int).
        classes (list[str]): Class names.
    """
    if 'candidates' in info:
        lines = [LabelLine('candidates', _names(
            classes, np.flatnonzero(info['candidates'])))]
        if info.get('gt_label') is not None:
            lines.append(LabelLine('true', _names(classes,
                                                  [info['gt_label']])))
        return lines
    observed = np.asarray(info['gt_score']) == 1
    if info.get('gt_clean') is None:
        return [LabelLine('label', _names(classes, np.flatnonzero(observed)))]
    clean = np.asarray(info['gt_clean']) == 1
    return [LabelLine('label', _names(classes,
                                      np.flatnonzero(observed & clean))),
            LabelLine('missing', _names(classes,
                                        np.flatnonzero(clean & ~observed))),
            LabelLine('spurious', _names(classes,
                                         np.flatnonzero(observed & ~clean)))]


def browse(config: str, split: str, out_dir: str, num: int = 32,
           start: int = 0, ncols: int = 8, fmt: str = 'png',
           cfg_options: Optional[List[str]] = None) -> str:
    """Draw samples ``start .. start + num - 1`` of the split.

    Returns:
        str: The written figure, ``<out_dir>/<config name>_<split>.<fmt>``.
    """
    if num < 1 or start < 0:
        raise ValueError(f'--num must be >= 1 and --start >= 0, got '
                         f'{num} and {start}')
    cfg = cli.load_config(argparse.Namespace(
        config=config, cfg_options=cfg_options, work_dir=out_dir,
        local_rank=0))
    cli.check_writable_dir(out_dir, '--out')
    dataset = build_dataset(cfg, split)
    if start >= len(dataset):
        raise ValueError(f'--start {start}: the {split} split has '
                         f'{len(dataset)} samples')
    classes = list(dataset.metainfo.get('classes') or [])
    cells = []
    for idx in range(start, min(start + num, len(dataset))):
        info = dataset.get_data_info(idx)
        names = classes or [str(c) for c in range(len(
            info.get('candidates', info.get('gt_score'))))]
        cells.append(GridCell(load_image(info), f'#{idx}',
                              label_lines(info, names)))
    name = osp.splitext(osp.basename(config))[0]
    out_file = osp.join(out_dir, f'{name}_{split}.{fmt}')
    draw_label_grid(cells, out_file, ncols=ncols,
                    title=f'{name}: {split} samples {start}–'
                    f'{start + len(cells) - 1} of {len(dataset)}')
    return out_file


def main(argv=None) -> None:
    args = parse_args(argv)

    def run() -> None:
        path = browse(args.config, args.split, args.out, args.num,
                      args.start, args.ncols, args.format, args.cfg_options)
        print(f'written {path}')

    cli.run_cli(run, args.debug)


if __name__ == '__main__':
    main()
