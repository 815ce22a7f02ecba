"""Generate DigitMosaic variants (docs/datasets.md).

Example::

    python tools/dataset_converters/make_digitmosaic.py \\
        --root data/digitmosaic --variant plt
    python tools/dataset_converters/make_digitmosaic.py \\
        --variant pll pll-q05 pll-bal pll-bal-q05     # the PLL settings
    python tools/dataset_converters/make_digitmosaic.py --variant full pl \\
        --geometry shifted                  # -> data/digitmosaic/shifted/
    python tools/dataset_converters/make_digitmosaic.py --variant full \\
        --geometry hard --scale 0.5 0.8     # -> data/digitmosaic/geom-<hash>/

The geometry knobs (``--canvas``, ``--grid``, ``--scale``, ``--dup-prob``,
``--img-size``) override those of ``--geometry`` (default: the original 2x2
mosaics). Re-running with the same parameters is a no-op; other parameters
in an existing folder need ``--force``.
"""
import argparse
import json
import os.path as osp
import time
from dataclasses import asdict

from mlc.datasets.digitmosaic import GEOMETRIES, VARIANTS, build_digitmosaic
from mlc.datasets.digitmosaic.generator import variant_folder
from mlc.utils.progress import format_duration, progress_line


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--root', default='data/digitmosaic')
    parser.add_argument('--variant', nargs='+', required=True,
                        choices=sorted(VARIANTS) + ['all'])
    parser.add_argument('--seed', type=int, default=0, help='data seed')
    parser.add_argument('--geometry', default='default',
                        choices=sorted(GEOMETRIES),
                        help='named mosaic geometry (the knobs below '
                        'override it; the pll* variants take only '
                        '--img-size)')
    parser.add_argument('--canvas', type=int,
                        help='mosaic side in source pixels (a digit is 8)')
    parser.add_argument('--grid', type=int, nargs=2, metavar=('ROWS', 'COLS'))
    parser.add_argument('--scale', type=float, nargs=2, metavar=('A', 'B'),
                        help='digit side as a fraction of the cell side, '
                        'uniform in [A, B]')
    parser.add_argument('--dup-prob', type=float,
                        help='probability that a cell left over after the '
                        'label set holds a duplicate (else it is empty)')
    parser.add_argument('--img-size', type=int, help='output side in pixels')
    parser.add_argument('--force', action='store_true',
                        help='replace a folder built with other parameters')
    args = parser.parse_args(argv)

    knobs = {k: getattr(args, k) for k in ('canvas', 'grid', 'scale',
                                           'dup_prob', 'img_size')
             if getattr(args, k) is not None}
    geometry = dict(asdict(GEOMETRIES[args.geometry]), **knobs)
    variants = list(VARIANTS) if 'all' in args.variant else args.variant
    build_times = []
    for i, variant in enumerate(variants, 1):
        start = time.perf_counter()
        variant_geometry = (None if VARIANTS[variant].kind == 'single'
                            else geometry)
        try:
            existing = osp.isdir(variant_folder(
                args.root, variant, variant_geometry, args.img_size))
            what = 'checking the existing build' if existing and not \
                args.force else 'building'
            print(f'[{i}/{len(variants)}] {variant}: {what} ...', flush=True)
            folder = build_digitmosaic(
                args.root, variant, seed=args.seed, force=args.force,
                geometry=variant_geometry, img_size=args.img_size)
        except (KeyError, ValueError, FileExistsError) as err:
            parser.exit(1, f'make_digitmosaic: error: {err}\n')
        seconds = time.perf_counter() - start
        if not existing or args.force:
            build_times.append(seconds)
        with open(osp.join(folder, 'meta.json'), encoding='utf-8') as f:
            splits = json.load(f)['splits']
        print(f'[{i}/{len(variants)}] {variant}: {folder} '
              f'({format_duration(seconds)}); '
              f'{progress_line(i, len(variants), build_times, "variants")}',
              flush=True)
        for split, s in splits.items():
            extra = (f"mean candidate-set size {s['mean_candidate_size']:.2f}"
                     if 'mean_candidate_size' in s else
                     f"{s['labels_per_image']:.2f} observed labels/img, kept "
                     f"fraction {s['kept_fraction']:.3f}, unknown fraction "
                     f"{s['unknown_fraction']:.3f}, "
                     f"{s['images_without_positive']} without positive")
            print(f"  {split}: {s['num_images']} images, class counts "
                  f"{s['clean_class_counts']}, {extra}")


if __name__ == '__main__':
    main()
