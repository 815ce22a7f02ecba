"""PU-MLC partial labels from COCO-2014 / VOC-2007.

Labels follow the PU-MLC rules: COCO — every image of the instances file,
unannotated ones included, in ``coco.imgs.keys()`` order, positive if any
instance; VOC — difficult objects skipped. Then ``keep_entries(p=prob,
legacy_pu_mlc=True)`` keeps each (image, class) entry, positive or negative,
iff ``RandomState(seed).random((N, C)) < prob`` (bit-for-bit the official
draw); dropped entries are unknown (-1). ``--prob 1`` writes the full labels.

Examples::

    python tools/dataset_converters/convert_pu_mlc.py coco \\
        data/coco/annotations/instances_train2014.json \\
        data/pu-mlc/coco2014_train_p0.1.json --prob 0.1
    python tools/dataset_converters/convert_pu_mlc.py voc \\
        data/VOCdevkit/VOC2007 data/pu-mlc/voc2007_trainval_p0.1.json \\
        --split trainval --prob 0.1
"""
import os.path as osp

import converter_cli as cli
import converter_utils as utils

from mlc.datasets.corruptions import keep_entries
from mlc.datasets.readers import VOC_CLASSES, coco_labels, voc_xml_labels


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('dataset', choices=('coco', 'voc'))
    parser.add_argument('source', help='COCO instances JSON or VOC folder')
    cli.add_output(parser)
    parser.add_argument('--split', default='trainval', help='VOC split')
    parser.add_argument('--prob', type=float, default=0.5,
                        help='proportion of entries kept (README: 0.1)')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    if args.dataset == 'coco':
        names, classes, labels, _ = coco_labels(args.source, 'any',
                                                keep_unannotated=True)
        inputs, source = [args.source], f'coco {osp.basename(args.source)}'
    else:
        names, labels, _ = voc_xml_labels(args.source, args.split,
                                          'negative', progress=True)
        classes = VOC_CLASSES
        inputs = [osp.join(args.source, 'ImageSets', 'Main',
                           f'{args.split}.txt')]
        source = f'{osp.basename(osp.normpath(args.source))} {args.split}'
    ann = utils.converted_annotation(
        'convert_pu_mlc', dict(dataset=args.dataset, split=args.split),
        inputs, names, labels, classes, unlisted=0, source=source,
        clean=labels)
    if args.prob != 1:
        ann = keep_entries(ann, p=args.prob, legacy_pu_mlc=True,
                           seed=args.seed)
    utils.write_annotation(args.out, ann)


if __name__ == '__main__':
    cli.run_converter(main)
