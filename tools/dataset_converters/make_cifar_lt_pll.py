"""Build a CIFAR-10/100-LT partial-label benchmark.

Reads the local CIFAR "python version" archive (no download) and writes
``train.json``, ``test.json`` (standard PLL annotations, ``img_index`` into
the CIFAR arrays), ``class_split.json`` and ``meta.json`` to ``--out-dir``
(default ``<cifar-root>/pll/<build name>``, the folder ``CIFARLTPLL`` reads).
Re-running with the same parameters is a no-op. By default the samples are
the authors' draw (the published benchmark, bit for bit the RECORDS code:
``np.random.seed(0)`` subsampling and candidates; for NU, the class
permutation of ``random.seed(123)``, i.e. ``--class-perm-seed 123``);
``--no-legacy-rng`` uses the PCG64 streams instead (new benchmarks).

Example::

    python tools/dataset_converters/make_cifar_lt_pll.py data/cifar10 \\
        --cifar cifar10 --imb-ratio 100 --partial-rate 0.3
    python tools/dataset_converters/make_cifar_lt_pll.py data/cifar100 \\
        --cifar cifar100 --imb-ratio 100 --partial-rate 0.05 \\
        --hierarchical --class-perm-seed 123
    # a new benchmark from PCG64 instead of the authors' draw:
    python tools/dataset_converters/make_cifar_lt_pll.py data/cifar10 \\
        --partial-rate 0.3 --no-legacy-rng
"""
import argparse
import os.path as osp

from mlc.datasets.cifar_lt_pll import (
    build_params,
    default_name,
    make_cifar_lt_pll,
)
from mlc.utils import cli


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('cifar_root', help='folder holding the extracted '
                        'cifar-10-batches-py/ or cifar-100-python/')
    parser.add_argument('--cifar', choices=('cifar10', 'cifar100'),
                        default='cifar10')
    parser.add_argument('--imb-ratio', type=float, default=100)
    parser.add_argument('--partial-rate', type=float, default=0.3)
    parser.add_argument('--hierarchical', action='store_true',
                        help='CIFAR-100-LT-NU candidates (siblings 8q)')
    parser.add_argument('--ratio', type=float, default=8)
    parser.add_argument('--data-seed', type=int, default=0)
    parser.add_argument('--class-perm-seed', type=int, default=None)
    parser.add_argument(
        '--legacy-rng', action=argparse.BooleanOptionalAction, default=True,
        help="the authors' draw, i.e. the published samples (default); "
        '--no-legacy-rng draws a new benchmark from PCG64')
    parser.add_argument('--out-dir')
    cli.add_debug_flag(parser)
    args = parser.parse_args(argv)
    cli.run_cli(lambda: build(args), args.debug)


def build(args: argparse.Namespace) -> None:
    """Write the build asked for by ``args``."""
    # the default (100) is an int, which has no is_integer() before 3.12
    imb = float(args.imb_ratio)
    imb = int(imb) if imb.is_integer() else imb
    kwargs = dict(cifar=args.cifar, imb_ratio=imb,
                  partial_rate=args.partial_rate,
                  hierarchical=args.hierarchical, ratio=args.ratio,
                  data_seed=args.data_seed,
                  class_perm_seed=args.class_perm_seed,
                  legacy_rng=args.legacy_rng)
    out = args.out_dir or osp.join(args.cifar_root, 'pll',
                                   default_name(build_params(**kwargs)))
    make_cifar_lt_pll(args.cifar_root, out, **kwargs)
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
