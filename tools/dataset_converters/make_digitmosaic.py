"""Generate DigitMosaic variants (benchmarks.md §7).

Example::

    python tools/dataset_converters/make_digitmosaic.py \\
        --root data/digitmosaic --variant plt

Re-running with the same parameters is a no-op; other parameters in an
existing folder need ``--force``.
"""
import argparse
import json
import os.path as osp
import time

from mlc.datasets.digitmosaic import VARIANTS, build_digitmosaic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--root', default='data/digitmosaic')
    parser.add_argument('--variant', nargs='+', required=True,
                        choices=sorted(VARIANTS) + ['all'])
    parser.add_argument('--seed', type=int, default=0, help='data seed')
    parser.add_argument('--img-size', type=int, default=32)
    parser.add_argument('--force', action='store_true',
                        help='replace a folder built with other parameters')
    args = parser.parse_args()

    variants = list(VARIANTS) if 'all' in args.variant else args.variant
    for variant in variants:
        start = time.perf_counter()
        folder = build_digitmosaic(args.root, variant, seed=args.seed,
                                   img_size=args.img_size, force=args.force)
        with open(osp.join(folder, 'meta.json'), encoding='utf-8') as f:
            splits = json.load(f)['splits']
        print(f'{variant}: {folder} ({time.perf_counter() - start:.1f} s)')
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
