"""COMIC PLT-COCO / PLT-VOC files -> standard annotations.

``LT_train.json`` (the 40 % partial file; ``{file name: [C ints]}``, 1 =
observed positive, 0 = negative or missing) -> ``train.json`` with
``unlisted`` -1 (only positives listed); ``--full`` (``…/0/LT_train.json``)
gives ``clean_pos``. ``--test`` (``LT_coco_val.json`` / ``LT_voc_test.json``)
-> ``test.json`` with ``unlisted`` 0. ``class_split.json`` comes from the
column sums of the loaded partial training file (many >= 100, few < 20), and
``--cooccurrence`` is copied to ``cooccurrence.npy``. ``distribution.txt``
(last line) is compared with the training counts and the result printed.
Image paths: COCO keys as they are (``data_prefix`` ``train2017`` /
``val2017``), VOC keys as ``JPEGImages/<key>`` (``data_prefix`` the VOC2012 /
VOC2007 folder, as written by ``make_voc_multilabel.py``).

Example::

    python tools/dataset_converters/convert_comic.py --dataset coco \\
        --train drive/40/LT_train.json --full drive/0/LT_train.json \\
        --test drive/LT_coco_val.json --cooccurrence drive/co-occurrence.npy \\
        --distribution drive/distribution.txt --out-dir data/plt-coco
"""
import os.path as osp

import converter_cli as cli
import converter_utils as utils
import numpy as np

from mlc.datasets.readers import (
    COCO_CLASSES,
    VOC_CLASSES,
    read_comic_json,
    read_cooccurrence,
    read_distribution,
)
from mlc.evaluation.functional.shot_groups import split_from_class_freq


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('--dataset', choices=('coco', 'voc'), required=True)
    parser.add_argument('--train', required=True, help='partial LT_train'
                        '.json')
    parser.add_argument('--full', help='full LT_train.json (clean labels)')
    parser.add_argument('--test', help='LT_coco_val.json / LT_voc_test.json')
    parser.add_argument('--cooccurrence', help='co-occurrence.npy')
    parser.add_argument('--distribution', help='distribution.txt')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--many-min', type=int, default=100)
    parser.add_argument('--few-max', type=int, default=20)
    args = parser.parse_args()

    classes = COCO_CLASSES if args.dataset == 'coco' else VOC_CLASSES
    num = len(classes)
    names, partial = read_comic_json(args.train, num)
    prefix = 'JPEGImages/' if args.dataset == 'voc' else ''
    observed = np.where(partial == 1, 1, -1).astype(np.int8)
    clean, inputs = None, [args.train]
    if args.full:
        full_names, full = read_comic_json(args.full, num)
        index = {n: i for i, n in enumerate(full_names)}
        missing = [n for n in names if n not in index]
        if missing:
            parser.error(f'{args.full}: {len(missing)} training images are '
                         f'missing, e.g. {missing[:3]}')
        clean = full[[index[n] for n in names]]
        extra = (partial == 1) & (clean == 0)
        if extra.any():
            parser.error(f'{args.train}: {int(extra.sum())} observed '
                         f'positives are not positive in {args.full}')
        inputs.append(args.full)
    ann = utils.converted_annotation(
        'convert_comic', dict(dataset=args.dataset, full=bool(args.full)),
        inputs, [prefix + n for n in names], observed, classes, unlisted=-1,
        source=f'plt-{args.dataset} train (COMIC)', clean=clean)
    counts = (observed == 1).sum(0)
    split = split_from_class_freq(counts.tolist(), args.many_min,
                                  args.few_max)
    utils.write_annotation(osp.join(args.out_dir, 'train.json'), ann, split)
    utils.write_json(osp.join(args.out_dir, 'class_split.json'), split)
    if args.distribution:
        dist = read_distribution(args.distribution)
        print(f'{args.distribution} (last line) equals the partial training '
              f'counts: {np.array_equal(dist, counts)}; equals the full '
              'counts: ' + (str(np.array_equal(dist, clean.sum(0)))
                            if clean is not None else 'n/a (no --full)'))
    if args.cooccurrence:
        co = read_cooccurrence(args.cooccurrence)
        if co.shape != (num, num):
            parser.error(f'{args.cooccurrence}: shape {co.shape}, expected '
                         f'({num}, {num})')
        out = osp.join(args.out_dir, 'cooccurrence.npy')
        np.save(out, co, allow_pickle=False)
        print(f'wrote {out}')
    if args.test:
        test_names, test = read_comic_json(args.test, num)
        test_ann = utils.converted_annotation(
            'convert_comic', dict(dataset=args.dataset, split='test'),
            [args.test], [prefix + n for n in test_names], test, classes,
            unlisted=0, source=f'plt-{args.dataset} test (COMIC)',
            clean=test)
        utils.write_annotation(osp.join(args.out_dir, 'test.json'), test_ann)


if __name__ == '__main__':
    cli.run_converter(main)
