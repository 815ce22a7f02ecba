"""Parse the Open Images image-level label CSVs once into mlc's cache.

Writes the memory-mapped sparse label cache that the ``OpenImages`` dataset
maps at every later start (same key: the label CSV's path, size and mtime,
the other files and the options). Run it once per split before training,
so no rank or worker parses 60 M rows at start.

Example::

    python tools/dataset_converters/convert_open_images.py \\
        data/openimages/oidv6-train-annotations-human-imagelabels.csv \\
        data/openimages/oidv6-class-descriptions.csv \\
        data/openimages/oidv6-classes-trainable.txt
"""
import converter_cli as cli

from mlc.datasets.open_images import cached_open_images


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('labels', help='image-level labels CSV (human)')
    parser.add_argument('classes', help='class descriptions CSV')
    parser.add_argument('trainable', help='trainable classes list')
    parser.add_argument('--machine', default=None,
                        help='machine-generated labels CSV (off by default)')
    parser.add_argument('--machine-threshold', type=float, default=0.5,
                        help='machine Confidence at or above which a label '
                        'is positive')
    parser.add_argument('--cache-dir', default=None,
                        help='cache folder (default: .mlc_cache beside the '
                        'labels CSV); give the dataset the same cache_dir')
    args = parser.parse_args()
    labels, _ = cached_open_images(args.labels, args.classes, args.trainable,
                                   args.machine, args.machine_threshold,
                                   args.cache_dir)
    counts = labels.store.state_counts()
    print(f'{labels.store.num_samples} images x {labels.store.num_classes} '
          f'classes: {counts["positive"]} positive, {counts["negative"]} '
          'negative labels cached')


if __name__ == '__main__':
    cli.run_converter(main)
