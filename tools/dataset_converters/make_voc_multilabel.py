"""PASCAL VOC 2007/2012 -> standard multi-label annotation (full labels).

``--difficult`` says how difficult objects count (benchmarks.md):
``negative`` skips them (PU-MLC; a class present only as difficult is
negative), ``positive`` counts every object (DB / Stitch-Up VOC-MLT test),
``unknown`` makes difficult-only classes -1 (VOC evaluation convention;
negatives are then listed explicitly), ``flags`` reads the
``<class>_<split>.txt`` flags (positive iff 1; COMIC). Image paths are
``JPEGImages/<id>.jpg`` relative to the VOC folder.

Example::

    python tools/dataset_converters/make_voc_multilabel.py \\
        data/VOCdevkit/VOC2007 test data/voc2007/test.json \\
        --difficult positive --check-images
"""
import os.path as osp

import converter_cli as cli
import converter_utils as utils

from mlc.datasets.readers import VOC_CLASSES, voc_flag_labels, voc_xml_labels


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('voc_root', help='VOCdevkit/VOC2007 or VOC2012')
    parser.add_argument('split', help='train | val | trainval | test')
    cli.add_output(parser)
    parser.add_argument('--difficult', default='negative',
                        choices=('negative', 'positive', 'unknown', 'flags'))
    cli.add_image_check(parser, img_root=False)
    args = parser.parse_args()

    info = {}
    if args.difficult == 'flags':
        names, labels = voc_flag_labels(args.voc_root, args.split)
        inputs = [osp.join(args.voc_root, 'ImageSets', 'Main',
                           f'{c}_{args.split}.txt') for c in VOC_CLASSES]
    else:
        names, labels, info = voc_xml_labels(args.voc_root, args.split,
                                             args.difficult, progress=True)
        print(f'\n{info["difficult_only_entries"]} (image, class) entries '
              f'are present only as difficult -> {args.difficult}')
        inputs = [osp.join(args.voc_root, 'ImageSets', 'Main',
                           f'{args.split}.txt')]
    cli.check_requested_images(parser, args, names, args.voc_root)
    unlisted = -1 if args.difficult == 'unknown' else 0
    ann = utils.converted_annotation(
        'make_voc_multilabel', dict(split=args.split,
                                    difficult=args.difficult),
        inputs, names, labels, VOC_CLASSES, unlisted=unlisted,
        source=f'{osp.basename(osp.normpath(args.voc_root))} {args.split}',
        clean=None if unlisted == -1 else labels, info=info)
    utils.write_annotation(args.out, ann)


if __name__ == '__main__':
    cli.run_converter(main)
