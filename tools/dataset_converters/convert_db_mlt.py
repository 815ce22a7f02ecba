"""DB-loss / Stitch-Up split files -> standard annotation.

Reads ``img_id.txt`` or ``img_id.pkl`` (plain text despite the extension)
and ``class_freq.pkl`` (``gt_labels``) — or, with ``--noise-pkl``, a
Stitch-Up ``class_freq_{r}noise.pkl`` (``labels`` = noisy training target,
``clean_labels`` -> ``clean_pos``) — all with a restricted unpickler.
Labels are full vectors: ``unlisted`` 0. ``class_split.pkl`` and
``training_split.pkl`` become ``class_split.json`` / ``training_split.json``
beside the output.

Example::

    python tools/dataset_converters/convert_db_mlt.py \\
        appendix/VOCdevkit/longtail2012 data/voc-mlt/train.json --dataset voc
"""
import os.path as osp

import converter_cli as cli
import converter_utils as utils
import numpy as np

from mlc.datasets.readers import COCO_CLASSES, VOC_CLASSES, read_db_folder

NAME_FORMATS = dict(voc='JPEGImages/{}.jpg', coco='{:0>12}.jpg')


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('folder', help='folder with img_id.* and the pkls')
    cli.add_output(parser)
    parser.add_argument('--dataset', choices=('voc', 'coco'), required=True)
    parser.add_argument('--noise-pkl', help='Stitch-Up class_freq_{r}noise'
                        '.pkl (file name inside FOLDER or a path)')
    parser.add_argument('--name-format', help='image path from the id '
                        '(default voc "JPEGImages/{}.jpg", coco '
                        '"{:0>12}.jpg")')
    cli.add_image_check(parser)
    args = parser.parse_args()

    freq_file = None
    if args.noise_pkl:
        freq_file = (args.noise_pkl if osp.isabs(args.noise_pkl)
                     or osp.isfile(args.noise_pkl) else osp.join(
                         args.folder, args.noise_pkl))
        freq_file = osp.relpath(freq_file, args.folder)
    data = read_db_folder(args.folder, freq_file)
    classes = COCO_CLASSES if args.dataset == 'coco' else VOC_CLASSES
    labels = data['labels']
    if labels.shape[1] != len(classes):
        parser.error(f'{data["class_freq_file"]}: {labels.shape[1]} classes, '
                     f'{args.dataset} has {len(classes)}')
    if 'class_freq' in data and not np.array_equal(
            np.asarray(data['class_freq']).reshape(-1), labels.sum(0)):
        print(f'note: the stored class_freq of {data["class_freq_file"]} '
              f'differs from the column sums of "{data["label_key"]}"; '
              'class_freq is recomputed from the labels')
    train_split = data['training_split']
    if train_split is not None:
        covered = sorted(c for group in train_split.values() for c in group)
        if covered != list(range(len(classes))):
            parser.error(f'training_split.pkl of {args.folder} does not put '
                         'every class in exactly one of head/middle/tail')
    fmt = args.name_format or NAME_FORMATS[args.dataset]
    names = [fmt.format(i) for i in data['img_ids']]
    cli.check_requested_images(parser, args, names)
    clean = data['clean']
    if clean is None and data['label_key'] == 'gt_labels':
        clean = labels  # the clean DB file: full labels are clean
    params = dict(dataset=args.dataset, label_key=data['label_key'],
                  class_freq_file=osp.basename(data['class_freq_file']))
    ann = utils.converted_annotation(
        'convert_db_mlt', params, [data['id_file'], data['class_freq_file']],
        names, labels, classes, unlisted=0,
        source=f'{args.dataset}-mlt {osp.basename(data["class_freq_file"])}',
        clean=clean)
    stem = osp.dirname(osp.abspath(args.out))
    utils.write_annotation(args.out, ann, data['class_split'])
    for key in ('class_split', 'training_split'):
        if data[key] is not None:
            utils.write_json(osp.join(stem, f'{key}.json'), data[key])


if __name__ == '__main__':
    cli.run_converter(main)
