"""Hill/SPLC list files (``IMAGE,<class ids>``) -> standard annotation.

Listed ids -> ``pos``; unlisted classes -> ``--unlisted`` (-1 for the
missing-label training lists, 0 for full lists such as ``nus_val.txt``).
``--full`` (the ``*_full.txt`` list) gives ``clean_pos``; every listed
positive must be in it. Works for the COCO-2014 lists (``--classes coco``,
paths relative to ``train2014/``) and the NUS-WIDE lists (``--classes
nus_wide`` or the list's class-name file).

Example::

    python tools/dataset_converters/convert_hill_lists.py \\
        coco_train_0.4left.txt data/coco2014/train_0.4left.json \\
        --classes coco --full coco_train_full.txt
"""
import converter_cli as cli
import converter_utils as utils

from mlc.datasets.readers import list_to_dense, read_list_file, resolve_classes
from mlc.datasets.readers.list_file import align_clean


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('list_file', help='IMAGE,<ids> list')
    cli.add_output(parser)
    parser.add_argument('--classes', default='coco',
                        help='coco | nus_wide | voc | class-name file')
    parser.add_argument('--unlisted', type=int, choices=(-1, 0), default=-1)
    parser.add_argument('--full', help='full list giving clean_pos')
    parser.add_argument('--source', help='source text (default: file name)')
    cli.add_image_check(parser)
    args = parser.parse_args()

    classes = resolve_classes(args.classes)
    names, labels = read_list_file(args.list_file, len(classes))
    clean, inputs = None, [args.list_file]
    if args.full:
        full_names, full_labels = read_list_file(args.full, len(classes))
        clean = list_to_dense(align_clean(names, full_names, full_labels,
                                          args.list_file, labels),
                              len(classes), fill=0)
        inputs.append(args.full)
    cli.check_requested_images(parser, args, names)
    params = dict(classes=args.classes, unlisted=args.unlisted,
                  full=bool(args.full))
    ann = utils.converted_annotation(
        'convert_hill_lists', params, inputs, names,
        list_to_dense(labels, len(classes), fill=args.unlisted), classes,
        unlisted=args.unlisted,
        source=args.source or f'list {args.list_file}', clean=clean)
    utils.write_annotation(args.out, ann)


if __name__ == '__main__':
    cli.run_converter(main)
