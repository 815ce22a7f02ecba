"""Rebuild the Hill/SPLC COCO x%-left lists with the toolkit (``-mlc``
fallbacks, docs/datasets.md).

From the full COCO-2014 train annotation (``make_coco_multilabel.py --year
2014``): ``--preset 0.75left`` = ``drop_positives_hill(k=2)``, ``0.4left`` =
``k=5``, ``single`` = ``single_positive``; or ``--keep-fraction x`` (the
integer k closest to fraction x, recorded in provenance). Unlisted -1,
``clean_pos`` kept. The official lists are a different draw: prefer
``convert_hill_lists.py`` when you have them.

Example::

    python tools/dataset_converters/build_coco_left.py \\
        data/coco2014/train2014.json data/coco2014/train_0.4left-mlc.json \\
        --preset 0.4left
"""

import converter_cli as cli
import converter_utils as utils

from mlc.datasets.annotation import load_annotation
from mlc.datasets.corruptions import drop_positives_hill, single_positive

PRESETS = {'0.75left': 2, '0.4left': 5}


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('pool', help='full COCO-2014 train annotation')
    cli.add_output(parser)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument('--preset', choices=(*PRESETS, 'single'))
    group.add_argument('--keep-fraction', type=float)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    pool = load_annotation(args.pool)
    print(f'{args.pool}: {len(pool["data_list"])} images; dropping '
          'positives ...', flush=True)
    if args.preset == 'single':
        out = single_positive(pool, seed=args.seed)
    elif args.preset:
        out = drop_positives_hill(pool, k=PRESETS[args.preset],
                                  seed=args.seed)
    else:
        out = drop_positives_hill(pool, keep_fraction=args.keep_fraction,
                                  seed=args.seed)
    info = out['metainfo']['provenance'][-1].get('info')
    if info:
        print(f'op info: {info}')
    utils.write_annotation(args.out, out)


if __name__ == '__main__':
    cli.run_converter(main)
