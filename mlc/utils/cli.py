"""Shared parts of the command-line tools (``tools/train.py``, ``test.py``,
``tools/analysis_tools``, ``tools/dataset_converters``)."""
import argparse
import ast
import os
import os.path as osp
import pickle
import sys
import tempfile
from typing import Callable, Iterator, Sequence

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from mlc.datasets.readers.restricted_pickle import UnsafePickleError
from mlc.visualization.tensorboard_switch import apply_tensorboard_switch
from .checkpoint import UnsafeCheckpointError
from .config_check import check_config, config_error_message, find_syntax_error
from .launcher import prepare_distributed
from .setup_env import register_all_modules


class LauncherError(RuntimeError):
    """The requested launcher cannot start this run."""


#: Errors that come from a config, input or usage mistake; shown as one line
#: (refused pickles and checkpoints included; ``pickle.UnpicklingError``: an
#: unreadable pickle).
USER_ERRORS = (KeyError, FileNotFoundError, FileExistsError, ValueError,
               TypeError, ImportError, SyntaxError, pickle.UnpicklingError,
               UnsafePickleError, UnsafeCheckpointError, LauncherError)


def add_debug_flag(parser: argparse.ArgumentParser) -> None:
    """``--debug``: show the full traceback instead of the one-line error
    (:func:`run_cli`)."""
    parser.add_argument('--debug', action='store_true',
                        help='show the full traceback of a usage error')


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """``--work-dir``, ``--cfg-options``, ``--launcher``, ``--debug``."""
    parser.add_argument('--work-dir', help='directory for logs and models')
    parser.add_argument(
        '--cfg-options', nargs='+', action='extend', metavar='KEY=VALUE',
        help='override config settings, e.g. train_cfg.max_epochs=2; nested '
        'keys one by one (model.head.num_classes=4), lists as a,b or [a,b]')
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    add_debug_flag(parser)
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def _has_dict(value: str) -> bool:
    """Whether a ``--cfg-options`` value writes a dict (``dict(...)``,
    ``{...: ...}``), also inside a list or tuple."""
    try:
        tree = ast.parse(value.strip().strip('\'"'), mode='eval')
    except SyntaxError:
        return False
    return any(
        isinstance(node, ast.Dict) or (isinstance(node, ast.Call) and getattr(
            node.func, 'id', '') == 'dict') for node in ast.walk(tree))


def _flat_keys(prefix: str, node: ast.expr) -> Iterator[str]:
    """``KEY=VALUE`` items that set the entries of a dict expression."""
    if (isinstance(node, ast.Call) and getattr(node.func, 'id', '') == 'dict'
            and not node.args
            and all(kw.arg is not None for kw in node.keywords)):
        pairs = [(kw.arg, kw.value) for kw in node.keywords]
    elif isinstance(node, ast.Dict) and all(
            isinstance(k, ast.Constant) for k in node.keys):
        pairs = [(k.value, v) for k, v in zip(node.keys, node.values)]
    else:
        yield f'{prefix}={ast.unparse(node).replace(", ", ",")}'
        return
    for key, value in pairs:
        yield from _flat_keys(f'{prefix}.{key}', value)


def _nested_value_hint(key: str, value: str) -> str:
    """How to pass the dict ``value`` of ``key`` as ``--cfg-options``."""
    node = ast.parse(value.strip().strip('\'"'), mode='eval').body
    items = list(_flat_keys(key, node))
    if not any(_has_dict(item.partition('=')[2]) for item in items):
        return 'set the nested keys one by one: ' + ' '.join(items)
    return (f'set the nested keys one by one ({key}.SUBKEY=VALUE) or edit '
            'the config file')


def parse_cfg_options(items: Sequence[str]) -> dict:
    """``KEY=VALUE`` overrides to a dict, with mmengine's value syntax.

    Values are parsed as mmengine's ``DictAction`` does (numbers, booleans,
    ``None``, ``a,b`` / ``[a,b]`` lists, ``(a,b)`` tuples). Dict values,
    which ``DictAction`` turns into a string or a RecursionError, are
    refused with the equivalent nested keys (``key.a=1``); so are an item
    without ``=``, unbalanced brackets and calls such as ``f(a,b)``.

    Raises:
        ValueError: One line naming the offending item.
    """
    options = {}
    for item in items:
        key, sep, value = item.partition('=')
        if not sep or not key:
            raise ValueError(f'--cfg-options {item!r}: expected KEY=VALUE')
        if _has_dict(value):
            raise ValueError(f'--cfg-options {item!r}: dict values are not '
                             f'supported; {_nested_value_hint(key, value)}')
        if value.count('(') != value.count(')') or value.count(
                '[') != value.count(']'):
            raise ValueError(f'--cfg-options {item!r}: unbalanced brackets '
                             'in the value')
        try:
            options[key] = DictAction._parse_iterable(value)
        except RecursionError:  # e.g. f(a,b): a call is not a value
            raise ValueError(
                f'--cfg-options {item!r}: cannot parse the value (numbers, '
                'true/false, None, strings, lists a,b or [a,b] and tuples '
                '(a,b) are understood)') from None
    return options


def check_writable_dir(path: str, what: str) -> None:
    """Create the folder ``path`` if needed and check a file can be written.

    Raises:
        ValueError: One line naming ``what`` and ``path``.
    """
    if osp.exists(path) and not osp.isdir(path):
        raise ValueError(f'{what} {path!r} is a file, not a folder')
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as err:
        raise ValueError(f'{what} {path!r} cannot be written: '
                         f'{err.strerror or err}') from None


def check_output_file(path: str, suffix: str, option: str) -> None:
    """Check an output file option before any work is done.

    ``path`` must end with ``suffix``, must not be a folder, and its folder
    must be writable (it is created when missing).

    Raises:
        ValueError: One line naming ``option`` and ``path``.
    """
    if not path.endswith(suffix):
        raise ValueError(f'{option} must name a {suffix} file, got {path!r}')
    if osp.isdir(path):
        raise ValueError(f'{option} {path!r} is a folder, not a file')
    check_writable_dir(osp.dirname(osp.abspath(path)), f'the folder of '
                       f'{option}')


def load_config(args: argparse.Namespace) -> Config:
    """Read, override and check the config; set and check the work dir."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    options = parse_cfg_options(args.cfg_options or [])
    if osp.splitext(args.config)[1] not in ('.py', '.json', '.yaml', '.yml'):
        raise ValueError(f'config {args.config!r}: not a .py, .json or .yaml '
                         'file')
    try:
        cfg = Config.fromfile(args.config)
    except SyntaxError as err:
        located = find_syntax_error(args.config)
        if located is None:
            raise
        raise located from err
    if options:
        cfg.merge_from_dict(options)
    check_config(cfg)
    apply_tensorboard_switch(cfg)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    check_writable_dir(cfg.work_dir, 'work dir')
    return cfg


def build_runner(cfg: Config, launcher: str) -> Runner:
    """Prepare (CPU) distributed start-up and build the Runner."""
    try:
        prepare_distributed(cfg, launcher)
    except RuntimeError as err:
        raise LauncherError(str(err)) from err
    register_all_modules(init_default_scope=False)
    return Runner.from_cfg(cfg)


def run_cli(main: Callable[[], None], debug: bool) -> None:
    """Run ``main``; a config, input or usage mistake exits with one line
    naming the culprit (``debug``: re-raise it with its traceback)."""
    try:
        main()
    except USER_ERRORS as err:
        if debug:
            raise
        sys.exit(f'error: {config_error_message(err)} '
                 '(--debug shows the traceback)')
