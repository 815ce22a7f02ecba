"""Rebuild PLT-COCO / PLT-VOC with the corruption toolkit (``-mlc``
fallbacks, docs/datasets.md).

From the full pool annotation (COCO-2017 train by ``make_coco_multilabel.py
--year 2017``, or VOC-2012 trainval by ``make_voc_multilabel.py``):

1. ``longtail_subsample(profile='pareto', n_max=1400, n_min=1, b=10|12)``
   (the COMIC parameters; greedy DB fill, ``random.Random(seed)``) ->
   ``train_full.json`` (full labels);
2. ``keep_positives_bernoulli(p_keep=0.6, min_keep=0)`` (40 % missing) ->
   ``train.json`` (``unlisted`` -1, ``clean_pos`` kept);
3. ``class_split.json`` from the observed positives of the partial file
   (many >= 100, few < 20) and ``cooccurrence.npy`` = YᵀY of the full
   training labels.

The test set is the full val/test file (COCO-2017 val, VOC-2007 test); it is
not subsampled. Image counts differ from the official 2,962 / 2,569.

Example::

    python tools/dataset_converters/build_plt.py coco \\
        data/coco2017/train2017.json data/plt-coco-mlc
"""
import os.path as osp
import time

import converter_cli as cli
import converter_utils as utils
import numpy as np

from mlc.datasets.annotation import dense_labels, load_annotation
from mlc.datasets.corruptions import (
    class_split,
    keep_positives_bernoulli,
    longtail_subsample,
)

PARETO_B = dict(coco=10, voc=12)


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('dataset', choices=('coco', 'voc'))
    parser.add_argument('pool', help='full training-pool annotation JSON')
    parser.add_argument('out_dir')
    parser.add_argument('--n-max', type=int, default=1400)
    parser.add_argument('--n-min', type=int, default=1)
    parser.add_argument('--b', type=float, help='Pareto shape (default coco '
                        '10, voc 12)')
    parser.add_argument('--p-keep', type=float, default=0.6)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    b = args.b if args.b is not None else PARETO_B[args.dataset]
    pool = load_annotation(args.pool)
    print(f'[1/3] long-tail subsampling of {len(pool["data_list"])} images '
          f'(pareto n_max={args.n_max} n_min={args.n_min} b={b}, seed '
          f'{args.seed}) ...', flush=True)
    start = time.time()
    full = longtail_subsample(pool, profile='pareto', n_max=args.n_max,
                              n_min=args.n_min, b=b, seed=args.seed)
    print(f'      done in {time.time() - start:.1f} s')
    utils.write_annotation(osp.join(args.out_dir, 'train_full.json'), full,
                           class_split(full, counts='observed'))
    print(f'[2/3] dropping positives (p_keep={args.p_keep}, min_keep=0) ...',
          flush=True)
    partial = keep_positives_bernoulli(full, p_keep=args.p_keep, min_keep=0,
                                       seed=args.seed)
    split = class_split(partial, counts='observed')
    utils.write_annotation(osp.join(args.out_dir, 'train.json'), partial,
                           split)
    print('[3/3] class split (observed partial counts) and co-occurrence')
    utils.write_json(osp.join(args.out_dir, 'class_split.json'), split)
    clean = dense_labels(full)[0].astype(np.int64)
    path = osp.join(args.out_dir, 'cooccurrence.npy')
    np.save(path, clean.T @ clean, allow_pickle=False)
    print(f'wrote {path}')


if __name__ == '__main__':
    cli.run_converter(main)
