"""Checks of a run config before the Runner is built."""
import ast
import difflib
import inspect
import os.path as osp
from typing import List, Optional, Set

from mmengine.config import Config

from .own_data import apply_own_data

#: Top-level keys that ``Runner.from_cfg`` reads.
RUNNER_KEYS = (
    'model', 'work_dir', 'train_dataloader', 'val_dataloader',
    'test_dataloader', 'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr',
    'optim_wrapper', 'param_scheduler', 'val_evaluator', 'test_evaluator',
    'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from',
    'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level',
    'visualizer', 'default_scope', 'randomness', 'experiment_name',
    'model_wrapper_cfg', 'custom_imports', 'cfg')
#: Keys of dataloader configs.
DATALOADER_KEYS = ('batch_size', 'num_workers', 'persistent_workers',
                   'sampler', 'batch_sampler', 'collate_fn', 'dataset',
                   'pin_memory', 'drop_last', 'prefetch_factor',
                   'worker_init_fn', 'timeout', 'generator')


class ConfigError(ValueError):
    """A config key is misspelled or a value is invalid."""


def _suggest(key: str, known, cutoff: float = 0.75) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=cutoff)
    return f'; did you mean "{close[0]}"?' if close else ''


def _report(problems: List[str]) -> str:
    """One problem as is; several as a numbered list under a count."""
    if len(problems) == 1:
        return problems[0]
    return (f'{len(problems)} config problems:\n' + '\n'.join(
        f'({i}) {p}' for i, p in enumerate(problems, 1)))


def check_config(cfg: Config) -> None:
    """Check a run config; raise one :class:`ConfigError` listing every
    problem found.

    First the ``own_data`` block, if any, is expanded into the loaders
    (:func:`mlc.utils.own_data.apply_own_data`). Then: a top-level key that
    is not a Runner key but close to one (e.g. ``train_dataloder``) is an
    error; other top-level names are variables used by the config itself
    and are allowed. Unknown dataloader keys are errors, and so are dataset
    arguments that the dataset type does not take (typically left over from
    an inherited dataset of another type: the message suggests
    ``_delete_=True``), and so is a val set that is the test set without
    the monitoring settings (:func:`monitoring_problems`). Unknown
    arguments of other components are reported by the registry when the
    component is built.
    """
    problems = apply_own_data(cfg)
    for key in cfg.keys():
        if key in RUNNER_KEYS or key.startswith('_'):
            continue
        # only near-certain typos: config variables such as `train_data`
        # legitimately resemble Runner keys
        hint = _suggest(key, RUNNER_KEYS, cutoff=0.85)
        if hint:
            problems.append(f'unknown config key "{key}"{hint}')
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name)
        if not loader:
            continue
        for key in loader.keys():
            if key not in DATALOADER_KEYS:
                problems.append(f'unknown key "{name}.{key}"'
                                f'{_suggest(key, DATALOADER_KEYS)}')
        problems += dataset_argument_problems(name, loader.get('dataset'))
        if loader.get('num_workers', 0) == 0 and loader.get(
                'persistent_workers', False):
            loader['persistent_workers'] = False
    problems += monitoring_problems(cfg)
    if problems:
        raise ConfigError(_report(problems))


def _accepted_arguments(cls: type) -> Optional[Set[str]]:
    """Keyword arguments ``cls(...)`` takes along its ``**kwargs`` chain
    (None when the chain ends in ``**kwargs``: anything is accepted)."""
    accepted: Set[str] = set()
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        try:
            params = inspect.signature(vars(klass)['__init__']).parameters
        except (TypeError, ValueError):
            return None
        accepted.update(n for n, p in params.items() if p.kind in (
            p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and n != 'self')
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            return accepted
    return None


def dataset_argument_problems(loader_name: str, dataset) -> List[str]:
    """Arguments of ``dataset`` (and of the datasets it wraps) that its
    registered type does not take, one problem per argument."""
    if not isinstance(dataset, dict) or not isinstance(
            dataset.get('type'), str):
        return []
    import mlc.datasets  # noqa: F401  (registers the dataset types)
    from mlc.registry import DATASETS
    cls = DATASETS.get(dataset['type'])
    accepted = None if cls is None else _accepted_arguments(cls)
    problems = []
    for key in dataset:
        if accepted is None or key == 'type' or key in accepted:
            continue
        problems.append(
            f'{loader_name}.dataset: type {dataset["type"]} takes no '
            f'argument "{key}"{_suggest(key, sorted(accepted))} (left over '
            'from the inherited dataset? to replace the dataset write '
            f'{loader_name} = dict(dataset=dict(_delete_=True, '
            f'type=\'{dataset["type"]}\', ...)))')
    return problems + dataset_argument_problems(
        f'{loader_name}.dataset', dataset.get('dataset'))


def _dataset_identity(loader: dict) -> tuple:
    """What makes two dataset configs read the same samples."""
    dataset = loader.get('dataset', {})
    keys = ('type', 'data_root', 'ann_file', 'variant', 'split', 'seed')
    return tuple(str(dataset.get(k)) for k in keys)


def _prefixes(evaluator) -> list:
    evaluators = evaluator if isinstance(evaluator, (list, tuple)) else [
        evaluator]
    return [e.get('prefix') for e in evaluators if isinstance(e, dict)]


def monitoring_problems(cfg: Config) -> List[str]:
    """Model selection must never use the test set (docs/conventions.md,
    section 7).

    When the val loader reads the same samples as the test loader, the
    config must not save a "best" checkpoint and its val metrics must carry
    the prefix ``test_monitor``; both problems are returned together.
    """
    val, test = cfg.get('val_dataloader'), cfg.get('test_dataloader')
    if not val or not test or cfg.get('val_cfg') is None:
        return []
    if _dataset_identity(val) != _dataset_identity(test):
        return []
    problems = []
    checkpoint = cfg.get('default_hooks', {}).get('checkpoint') or {}
    if checkpoint.get('save_best'):
        problems.append(
            'val_dataloader reads the test set, so '
            'default_hooks.checkpoint.save_best must be None (model '
            'selection never uses the test set)')
    if any(p != 'test_monitor' for p in _prefixes(cfg.get('val_evaluator'))):
        problems.append(
            'val_dataloader reads the test set: set prefix="test_monitor" on '
            'every val_evaluator metric so its numbers are not mistaken for '
            'validation results')
    return problems


def _base_files(tree: ast.Module) -> List[str]:
    """The ``_base_`` paths assigned at the top level of a parsed config."""
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == '_base_'):
            try:
                bases = ast.literal_eval(node.value)
            except ValueError:
                return []
            bases = [bases] if isinstance(bases, str) else bases
            if not isinstance(bases, (list, tuple)):
                return []
            return [b for b in bases if isinstance(b, str)]
    return []


def find_syntax_error(path: str) -> Optional[SyntaxError]:
    """The first syntax error of a Python config or of its ``_base_`` files.

    mmengine parses config sources without their file name, so its
    ``SyntaxError`` names ``<unknown>`` (also for an error inside a base
    file). This parses ``path`` and then, depth first in the order mmengine
    reads them, its local base files, with their real paths.

    Returns:
        SyntaxError | None: The error, whose ``filename`` is the file's path,
        or None when every readable file of the chain parses.
    """
    if not path.endswith('.py') or not osp.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        source = f.read()
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as err:
        return err
    for base in _base_files(tree):
        if '::' in base:  # a config of an installed package
            continue
        found = find_syntax_error(
            osp.normpath(osp.join(osp.dirname(path), base)))
        if found is not None:
            return found
    return None


def config_error_message(err: BaseException) -> str:
    """One-line message for an error raised while building or running."""
    if isinstance(err, SyntaxError):
        return (f'{err.filename}:{err.lineno}: {type(err).__name__}: '
                f'{err.msg}')
    if isinstance(err, ImportError) and isinstance(err.__cause__,
                                                   ImportError):
        # mmengine's custom_imports failure: its message lists sys.path
        return (f'custom_imports: {err.__cause__} (is the folder of the '
                'module on PYTHONPATH?)')
    msg = ' '.join(str(err).split())
    if isinstance(err, KeyError):
        msg = msg.strip('"').strip("'")
    if isinstance(err, KeyError) and 'is not in the' in msg:
        # registry lookup failure: keep mmengine's first sentence
        return 'unknown component type: ' + msg.split('. ')[0]
    if isinstance(err, FileNotFoundError) and not msg:
        return f'file not found: {osp.abspath(err.filename or "")}'
    return f'{type(err).__name__}: {msg}'
