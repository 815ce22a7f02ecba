"""Rebuild VOC-MLT / COCO-MLT and their -Noise variants.

From the full pool annotation (VOC-2012 trainval by
``make_voc_multilabel.py``, COCO-2017 train by ``make_coco_multilabel.py
--year 2017``):

1. the clean MLT training set: with ``--img-ids`` the official id list
   (DB ``img_id.txt`` / ``img_id.pkl``; exact benchmark), else the
   ``-mlc`` fallback ``longtail_subsample(profile='pareto', b=6,
   n_max=800|1200, n_min=1)`` -> ``train.json`` (full labels, unlisted 0);
2. ``class_split.json`` from its counts (head >= 100, tail < 20);
3. for each ``--noise r``: ``inject_noise(r)`` (the project's documented
   rule; the official rule is unknown) -> ``train_noise{r}.json`` with
   ``clean_pos``; the evaluation split stays the clean one.

Example::

    python tools/dataset_converters/build_mlt.py voc \\
        data/voc2012/trainval.json data/voc-mlt-mlc --noise 0.3 0.5 0.7 0.9
"""
import os.path as osp
import time

import converter_cli as cli
import converter_utils as utils

from mlc.datasets.annotation import load_annotation
from mlc.datasets.corruptions import (
    class_split,
    inject_noise,
    longtail_subsample,
)
from mlc.datasets.readers import converter_provenance, read_id_list

N_MAX = dict(voc=800, coco=1200)


def select_ids(pool: dict, ids_file: str, dataset: str) -> dict:
    """The pool entries of the official id list, in list order."""
    ids = read_id_list(ids_file)
    index = {}
    for i, entry in enumerate(pool['data_list']):
        stem = osp.splitext(osp.basename(entry['img_path']))[0]
        index[stem if dataset == 'voc' else str(int(stem.split('_')[-1]))] = i
    keys = [i if dataset == 'voc' else str(int(i)) for i in ids]
    missing = [k for k in keys if k not in index]
    if missing:
        raise KeyError(f'{ids_file}: {len(missing)} ids are not in the pool, '
                       f'e.g. {missing[:3]}')
    out = dict(metainfo=dict(pool['metainfo']),
               data_list=[pool['data_list'][index[k]] for k in keys])
    out['metainfo']['provenance'] = list(
        pool['metainfo'].get('provenance') or []) + [converter_provenance(
            'select_img_ids', dict(dataset=dataset), [ids_file])]
    return out


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('dataset', choices=('voc', 'coco'))
    parser.add_argument('pool', help='full training-pool annotation JSON')
    parser.add_argument('out_dir')
    parser.add_argument('--img-ids', help='official img_id.txt / img_id.pkl')
    parser.add_argument('--n-max', type=int)
    parser.add_argument('--b', type=float, default=6)
    parser.add_argument('--noise', type=float, nargs='*', default=[],
                        help='noise rates, e.g. 0.3 0.5 0.7 0.9')
    parser.add_argument('--spurious', default='uniform',
                        choices=('uniform', 'prior'))
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    pool = load_annotation(args.pool)
    start = time.time()
    if args.img_ids:
        print(f'[1/3] selecting the official ids of {args.img_ids} ...')
        clean = select_ids(pool, args.img_ids, args.dataset)
    else:
        n_max = args.n_max or N_MAX[args.dataset]
        print(f'[1/3] long-tail subsampling of {len(pool["data_list"])} '
              f'images (pareto n_max={n_max} n_min=1 b={args.b}, seed '
              f'{args.seed}) ...', flush=True)
        clean = longtail_subsample(pool, profile='pareto', n_max=n_max,
                                   n_min=1, b=args.b, seed=args.seed)
    print(f'      done in {time.time() - start:.1f} s')
    split = class_split(clean, counts='observed')
    utils.write_annotation(osp.join(args.out_dir, 'train.json'), clean, split)
    print('[2/3] class split (head >= 100, tail < 20)')
    utils.write_json(osp.join(args.out_dir, 'class_split.json'), split)
    for num, rate in enumerate(args.noise, 1):
        print(f'[3/3] noise {num}/{len(args.noise)}: inject_noise(r={rate}, '
              f'spurious={args.spurious}) ...', flush=True)
        noisy = inject_noise(clean, r=rate, spurious=args.spurious,
                             seed=args.seed)
        utils.write_annotation(
            osp.join(args.out_dir, f'train_noise{rate}.json'), noisy, split)


if __name__ == '__main__':
    cli.run_converter(main)
