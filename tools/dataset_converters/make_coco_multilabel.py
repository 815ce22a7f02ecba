"""COCO instances JSON -> standard multi-label annotation.

Category ids map to contiguous indices in ascending-id order (COCO: 1 person
-> 0 … 90 toothbrush -> 79; any other ids, contiguous or not, the same way).
``--rule any`` (default): positive if any instance of the class (Hill/SPLC,
COMIC, PU-MLC); ``--rule db``: leaves out annotations with ``ignore``, area
<= 0, w < 1 or h < 1 (DB / Stitch-Up test labels). Images without
annotations are skipped (and counted) unless ``--keep-unannotated``.

``--unlisted 0`` (default): the file is exhaustive (the official COCO files),
every class an image has no instance of is a negative, and the labels are
their own clean labels (``clean_pos`` = ``pos``; the partial-label builders
keep them). ``--unlisted -1``: the file lists only the observed positives of
a partial-label set; the other classes are unknown and clean labels
(``clean_pos``, used only to log the precision/recall of label corrections)
are written only from a separate clean source, ``--clean``: an exhaustive
instances file of the same images. ``--year`` (2014, 2017 or any text) only
names the source; it is not needed for data that is not COCO.

Example::

    python tools/dataset_converters/make_coco_multilabel.py \\
        data/coco/annotations/instances_val2014.json \\
        data/coco2014/val2014.json --year 2014 --split val \\
        --img-root data/coco/val2014 --check-images
    python tools/dataset_converters/make_coco_multilabel.py \\
        data/my_set/observed.json data/my_set/train.json --unlisted -1 \\
        --clean data/my_set/full.json
"""
import os.path as osp
from typing import List

import converter_cli as cli
import converter_utils as utils
import numpy as np

from mlc.datasets.readers import coco_labels


def clean_from(path: str, rule: str, names: List[str],
               classes: tuple, observed: np.ndarray) -> np.ndarray:
    """(N, C) clean labels of ``names`` from the exhaustive file ``path``.

    Raises:
        ValueError: other classes, an image missing from ``path``, or an
            observed positive that is not a clean positive.
    """
    clean_names, clean_classes, clean_labels, _ = coco_labels(
        path, rule, keep_unannotated=True)
    if tuple(clean_classes) != tuple(classes):
        raise ValueError(f'--clean {path}: its categories differ from the '
                         'observed file\'s')
    row = {name: i for i, name in enumerate(clean_names)}
    missing = [n for n in names if n not in row]
    if missing:
        raise ValueError(f'--clean {path}: {len(missing)} image(s) of the '
                         f'observed file are not in it, e.g. {missing[:3]}')
    clean = clean_labels[[row[n] for n in names]]
    extra = np.argwhere((observed == 1) & (clean != 1))
    if len(extra):
        i, c = extra[0]
        raise ValueError(f'--clean {path}: image "{names[i]}" has observed '
                         f'positive "{classes[c]}" that is not a clean '
                         'positive')
    return clean


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('instances', help='COCO-format instances JSON')
    cli.add_output(parser)
    parser.add_argument('--year', help='COCO year (2014, 2017); names the '
                        'source only')
    parser.add_argument('--split', default='train', help='train | val')
    parser.add_argument('--rule', choices=('any', 'db'), default='any')
    parser.add_argument('--unlisted', type=int, choices=(0, -1), default=0,
                        help='state of the classes an image has no '
                        'annotation of: 0 negative (exhaustive file), -1 '
                        'unknown (observed positives only)')
    parser.add_argument('--clean', help='exhaustive instances JSON of the '
                        'same images: writes clean labels')
    parser.add_argument('--keep-unannotated', action='store_true')
    cli.add_image_check(parser)
    args = parser.parse_args()

    names, classes, labels, info = coco_labels(args.instances, args.rule,
                                               args.keep_unannotated)
    print(f'{args.instances}: {info["num_images_file"]} images in file, '
          f'{info["skipped_unannotated"]} skipped without annotations, '
          f'{info["excluded_annotations"]} annotations left out (rule '
          f'{args.rule})')
    cli.check_requested_images(parser, args, names)
    observed = np.where(labels == 1, 1, args.unlisted).astype(np.int8)
    if args.clean is not None:
        clean = clean_from(args.clean, args.rule, names, classes, observed)
    else:  # an exhaustive file is its own clean source; a partial one not
        clean = labels if args.unlisted == 0 else None
    params = dict(year=args.year, split=args.split, rule=args.rule,
                  unlisted=args.unlisted,
                  keep_unannotated=args.keep_unannotated)
    info.pop('category_ids')
    source = (f'coco{args.year} {args.split}' if args.year else
              f'{osp.basename(args.instances)} {args.split}')
    inputs = [args.instances] + ([args.clean] if args.clean else [])
    ann = utils.converted_annotation(
        'make_coco_multilabel', params, inputs, names, observed, classes,
        unlisted=args.unlisted, source=source, clean=clean, info=info)
    utils.write_annotation(args.out, ann)


if __name__ == '__main__':
    cli.run_converter(main)
