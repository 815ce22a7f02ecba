"""COCO instances JSON -> standard multi-label annotation (full labels).

Category ids map to contiguous indices in ascending-id order (1 person -> 0
… 90 toothbrush -> 79). ``--rule any`` (default): positive if any instance
of the class (Hill/SPLC, COMIC, PU-MLC); ``--rule db``: leaves out
annotations with ``ignore``, area <= 0, w < 1 or h < 1 (DB / Stitch-Up test
labels). Images without annotations are skipped (and counted) unless
``--keep-unannotated``. Full labels are their own clean labels: ``unlisted``
is 0 and ``clean_pos`` = ``pos``.

Example::

    python tools/dataset_converters/make_coco_multilabel.py \\
        data/coco/annotations/instances_val2014.json \\
        data/coco2014/val2014.json --year 2014 --split val \\
        --img-root data/coco/val2014 --check-images
"""
import argparse

from mlc.datasets.readers import (coco_labels, converter_provenance,
                                  dense_to_annotation)
from converter_utils import check_images, write_annotation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('instances', help='instances_{split}{year}.json')
    parser.add_argument('out', help='output annotation JSON')
    parser.add_argument('--year', choices=('2014', '2017'), required=True)
    parser.add_argument('--split', default='train', help='train | val')
    parser.add_argument('--rule', choices=('any', 'db'), default='any')
    parser.add_argument('--keep-unannotated', action='store_true')
    parser.add_argument('--img-root', help='image folder (for '
                        '--check-images)')
    parser.add_argument('--check-images', action='store_true',
                        help='raise if a listed image file is missing')
    args = parser.parse_args()

    names, classes, labels, info = coco_labels(args.instances, args.rule,
                                               args.keep_unannotated)
    print(f'{args.instances}: {info["num_images_file"]} images in file, '
          f'{info["skipped_unannotated"]} skipped without annotations, '
          f'{info["excluded_annotations"]} annotations left out (rule '
          f'{args.rule})')
    if args.check_images:
        if not args.img_root:
            parser.error('--check-images needs --img-root')
        check_images(names, args.img_root)
    params = dict(year=args.year, split=args.split, rule=args.rule,
                  keep_unannotated=args.keep_unannotated)
    info.pop('category_ids')
    ann = dense_to_annotation(
        names, labels, classes, unlisted=0,
        source=f'coco{args.year} {args.split}',
        provenance=[converter_provenance('make_coco_multilabel', params,
                                         [args.instances], info)],
        clean=labels)
    write_annotation(args.out, ann)


if __name__ == '__main__':
    main()
