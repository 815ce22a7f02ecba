"""PLL-VOC (RECORDS) CSV files -> standard PLL annotations.

Writes ``train.json`` (candidates from ``label set``, true label from
``label``), ``test.json`` and ``class_split.json`` (rank rule on the train
true-label counts, 6/7/7 as HTC-LTPLL; pinned in the configs). Violations of
"true label in the candidate set" are counted and printed, never fixed.

Example::

    python tools/dataset_converters/convert_pll_voc.py \\
        --train-csv data/pll-voc/PLL/train_var/images_PLL.csv \\
        --test-csv data/pll-voc/PLL/test/images_uniform.csv \\
        --out-dir data/pll-voc
"""
import os.path as osp

import converter_cli as cli
import converter_utils as utils
import numpy as np

from mlc.datasets.cifar_lt_pll import rank_class_split
from mlc.datasets.corruptions import save_annotation
from mlc.datasets.pll_voc import read_pll_voc_csv


def main(argv=None) -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('--train-csv', required=True)
    parser.add_argument('--test-csv', required=True)
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--split-sizes', type=int, nargs=2, default=(6, 7),
                        metavar=('MANY', 'FEW'),
                        help='shot groups by rank of the train counts')
    parser.add_argument('--check-images', action='store_true',
                        help='check that every image exists next to its CSV '
                        '(images/<name>)')
    args = parser.parse_args(argv)
    counts = None
    for split, path in (('train', args.train_csv), ('test', args.test_csv)):
        ann, stats = read_pll_voc_csv(path, split)
        if args.check_images:
            utils.check_images([d['img_path'] for d in ann['data_list']],
                               osp.join(osp.dirname(path), 'images'))
        out = osp.join(args.out_dir, f'{split}.json')
        save_annotation(out, ann)
        sizes = [len(d['candidates']) for d in ann['data_list']]
        print(f'wrote {out}: {stats["num_images"]} images, mean candidate-set'
              f' size {np.mean(sizes):.3f}, true label outside the set: '
              f'{stats["num_label_outside_candidates"]}')
        if split == 'train':
            counts = np.bincount([d['gt_label'] for d in ann['data_list']],
                                 minlength=len(ann['metainfo']['classes']))
            print(f'train true-label counts: {counts.tolist()}')
    utils.write_json(osp.join(args.out_dir, 'class_split.json'),
                     rank_class_split(counts, *args.split_sizes))


if __name__ == '__main__':
    cli.run_converter(main)
