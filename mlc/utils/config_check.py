"""Checks of a run config before the Runner is built."""
import difflib
import os.path as osp

from mmengine.config import Config

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


def check_config(cfg: Config) -> None:
    """Raise :class:`ConfigError` on misspelled top-level/dataloader keys.

    A top-level key that is not a Runner key but close to one (e.g.
    ``train_dataloder``) is an error; other top-level names are variables
    used by the config itself and are allowed. Unknown dataloader keys are
    errors. Unknown component arguments are reported by the registry when
    the component is built. See also :func:`check_test_monitoring`.
    """
    for key in cfg.keys():
        if key in RUNNER_KEYS or key.startswith('_'):
            continue
        # only near-certain typos: config variables such as `train_data`
        # legitimately resemble Runner keys
        hint = _suggest(key, RUNNER_KEYS, cutoff=0.85)
        if hint:
            raise ConfigError(f'unknown config key "{key}"{hint}')
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name)
        if not loader:
            continue
        for key in loader.keys():
            if key not in DATALOADER_KEYS:
                raise ConfigError(f'unknown key "{name}.{key}"'
                                  f'{_suggest(key, DATALOADER_KEYS)}')
        if loader.get('num_workers', 0) == 0 and loader.get(
                'persistent_workers', False):
            loader['persistent_workers'] = False
    check_test_monitoring(cfg)


def _dataset_identity(loader: dict) -> tuple:
    """What makes two dataset configs read the same samples."""
    dataset = loader.get('dataset', {})
    keys = ('type', 'data_root', 'ann_file', 'variant', 'split', 'seed')
    return tuple(str(dataset.get(k)) for k in keys)


def _prefixes(evaluator) -> list:
    evaluators = evaluator if isinstance(evaluator, (list, tuple)) else [
        evaluator]
    return [e.get('prefix') for e in evaluators if isinstance(e, dict)]


def check_test_monitoring(cfg: Config) -> None:
    """Model selection must never use the test set (conventions §7).

    When the val loader reads the same samples as the test loader, the
    config must not save a "best" checkpoint and its val metrics must carry
    the prefix ``test_monitor``.
    """
    val, test = cfg.get('val_dataloader'), cfg.get('test_dataloader')
    if not val or not test or cfg.get('val_cfg') is None:
        return
    if _dataset_identity(val) != _dataset_identity(test):
        return
    checkpoint = cfg.get('default_hooks', {}).get('checkpoint') or {}
    if checkpoint.get('save_best'):
        raise ConfigError(
            'val_dataloader reads the test set, so '
            'default_hooks.checkpoint.save_best must be None (model '
            'selection never uses the test set)')
    if any(p != 'test_monitor' for p in _prefixes(cfg.get('val_evaluator'))):
        raise ConfigError(
            'val_dataloader reads the test set: set prefix="test_monitor" on '
            'every val_evaluator metric so its numbers are not mistaken for '
            'validation results')


def config_error_message(err: BaseException) -> str:
    """One-line message for an error raised while building or running."""
    msg = str(err).strip()
    if isinstance(err, KeyError):
        msg = msg.strip('"').strip("'")
    if isinstance(err, KeyError) and 'is not in the' in msg:
        # registry lookup failure: keep mmengine's first sentence
        return 'unknown component type: ' + msg.split('. ')[0]
    if isinstance(err, FileNotFoundError) and not msg:
        return f'file not found: {osp.abspath(err.filename or "")}'
    return f'{type(err).__name__}: {msg}'
