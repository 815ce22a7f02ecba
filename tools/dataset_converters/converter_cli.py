"""The command line the converters and builders of
``tools/dataset_converters/`` share: a parser described by the tool's
docstring, the output and image-check options, and the run that reports a
bad input as one line.

A tool's ``main`` starts with ``parser = converter_parser(__doc__)`` and its
``__main__`` calls :func:`run_converter`.
"""
import argparse
import sys
from typing import Callable, Optional, Sequence

import converter_utils as utils

from mlc.utils import cli


def converter_parser(doc: str) -> argparse.ArgumentParser:
    """The parser of a tool whose module docstring is ``doc``: its first
    line is the ``--help`` description."""
    return argparse.ArgumentParser(description=doc.split('\n')[0])


def add_output(parser: argparse.ArgumentParser) -> None:
    """The positional output annotation file, ``args.out``."""
    parser.add_argument('out', help='output annotation JSON')


def add_image_check(parser: argparse.ArgumentParser,
                    img_root: bool = True) -> None:
    """``--check-images`` and, with ``img_root``, ``--img-root`` (the folder
    the image paths are relative to; a tool that knows that folder from
    another argument passes ``img_root=False``)."""
    if img_root:
        parser.add_argument('--img-root',
                            help='image folder (for --check-images)')
    parser.add_argument('--check-images', action='store_true',
                        help='raise if a listed image file is missing')


def check_requested_images(parser: argparse.ArgumentParser,
                           args: argparse.Namespace, names: Sequence[str],
                           img_root: Optional[str] = None) -> None:
    """With ``--check-images``: raise one FileNotFoundError listing the
    missing files of ``names`` under ``img_root`` (default ``--img-root``,
    a usage error when that is not given)."""
    if not args.check_images:
        return
    root = img_root or args.img_root
    if not root:
        parser.error('--check-images needs --img-root')
    utils.check_images(names, root)


def run_converter(main: Callable[[], None]) -> None:
    """Run a converter's ``main`` so that a bad input (a missing or malformed
    file, a refused pickle or checkpoint, ...) exits with one line naming
    the culprit, like ``tools/train.py``. ``--debug`` anywhere on the command
    line is removed before ``main`` parses its arguments and keeps the
    traceback."""
    debug = '--debug' in sys.argv[1:]
    if debug:
        sys.argv.remove('--debug')
    cli.run_cli(main, debug)
