"""A matrix cell's config: the row's base config with the column's variant,
the block's geometry, the convergence schedule and, for frozen-trunk rows,
the pre-trained trunk. Written next to the run (``cell_config.py``) so the
exact config of every number is kept."""
import copy
import os.path as osp
from typing import Any, Dict, Optional

from mmengine.config import Config

from .definition import OPTIM_WRAPPER

#: dataset types whose builds the matrix selects
MULTI_LABEL_DATASET = 'DigitMosaic'
PLL_DATASET = 'DigitMosaicPLL'


def set_key(cfg: Dict[str, Any], key: str, value: Any) -> None:
    """Set the dotted ``key`` of a nested dict (missing levels are made)."""
    *parents, last = key.split('.')
    node = cfg
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[last] = copy.deepcopy(value)


def select_build(node: Any, variant: str, geometry: Optional[str],
                 **build: Any) -> int:
    """Set ``variant`` (and ``geometry``, and the ``build`` keys such as
    ``data_root``/``seed``) on every DigitMosaic dataset of a config tree,
    wrapped datasets and extra loaders included.

    Returns:
        int: How many dataset dicts were changed.
    """
    count = 0
    if isinstance(node, dict):
        kind = node.get('type')
        if kind == MULTI_LABEL_DATASET:
            node.update(variant=variant, **build)
            if geometry is not None:
                node['geometry'] = geometry
            count += 1
        elif kind == PLL_DATASET:
            node.update(variant=variant, **build)
            count += 1
        for value in node.values():
            count += select_build(value, variant, geometry, **build)
    elif isinstance(node, (list, tuple)):
        for value in node:
            count += select_build(value, variant, geometry, **build)
    return count


def converge(cfg: Dict[str, Any], monitor: str, max_epochs: int,
             patience: int, min_delta: float, min_epochs: int = 1) -> None:
    """Train until ``monitor`` (val) stops improving, at most
    ``max_epochs``: validate every epoch, stop after ``patience``
    validations without a gain of ``min_delta`` (mmengine's
    ``EarlyStoppingHook``), keep the best-on-val checkpoint. Cosine
    schedules that ended with the recipe's last epoch now end at
    ``max_epochs``. No run stops before ``min_epochs``: validation begins
    at epoch ``min_epochs - patience`` (at least 1), so the first validation
    sets the best and ``patience`` more are needed to stop. SoLar's
    two-stage loop keeps its stage-1 share of the recipe (stage 1 of 1 in 4
    epochs becomes 2 of 8: the prior it estimates comes from a model
    trained as long, relative to the run, as the recipe's) and validates
    from stage 2 on (stage 1 only estimates the prior; its model is
    discarded).
    """
    train_cfg = cfg['train_cfg']
    old_max = train_cfg['max_epochs']
    stage1 = train_cfg.get('stage1_epochs', 0)
    if stage1:
        stage1 = max(1, round(stage1 * max_epochs / old_max))
        train_cfg['stage1_epochs'] = stage1
    if max_epochs <= stage1:
        raise ValueError(f'max_epochs {max_epochs} leaves no epoch after '
                         f'the {stage1} stage-1 epochs')
    if min_epochs > max_epochs:
        raise ValueError(f'min_epochs {min_epochs} exceeds max_epochs '
                         f'{max_epochs}')
    train_cfg.update(max_epochs=max_epochs, val_interval=1)
    val_begin = max(stage1 + 1, min_epochs - patience)
    if val_begin > 1:
        train_cfg['val_begin'] = val_begin
    schedulers = cfg.get('param_scheduler') or []
    if isinstance(schedulers, dict):
        schedulers = [schedulers]
    for sched in schedulers:
        if sched.get('end', old_max) != old_max:
            continue
        if 'end' in sched:
            sched['end'] = max_epochs
        if 'T_max' in sched:
            sched['T_max'] = max_epochs - sched.get('begin', 0)
    set_key(cfg, 'default_hooks.checkpoint.save_best', monitor)
    set_key(cfg, 'default_hooks.checkpoint.rule', 'greater')
    hooks = [h for h in cfg.get('custom_hooks', [])
             if h.get('type') != 'EarlyStoppingHook']
    hooks.append(dict(type='EarlyStoppingHook', monitor=monitor,
                      rule='greater', patience=patience,
                      min_delta=min_delta))
    cfg['custom_hooks'] = hooks


def cell_config(config: str, variant: str, geometry: Optional[str],
                monitor: str, convergence: Dict[str, Any],
                options: Optional[Dict[str, Any]] = None,
                build: Optional[Dict[str, Any]] = None) -> Config:
    """The config of one cell.

    Args:
        config (str): Base config file.
        variant (str): DigitMosaic variant of every split.
        geometry (str, optional): DigitMosaic geometry (None: the build's
            default).
        monitor (str): Val metric of early stopping and best checkpoint,
            e.g. ``'multi-label/mAP'``.
        convergence (dict): ``max_epochs``, ``patience``, ``min_delta``,
            ``min_epochs``, and ``optim_wrapper``, the type of the optimiser
            wrapper (default :data:`OPTIM_WRAPPER`; ``'OptimWrapper'``:
            float32).
        options (dict, optional): Dotted keys set last (row options,
            frozen trunk).
        build (dict, optional): Extra dataset keys (``data_root``,
            ``seed``) of every split.
    """
    if not osp.isfile(config):
        raise FileNotFoundError(f'matrix config not found: {config}')
    cfg = Config.fromfile(config).to_dict()
    if select_build(cfg, variant, geometry, **(build or {})) == 0:
        raise ValueError(f'{config}: no {MULTI_LABEL_DATASET} or '
                         f'{PLL_DATASET} dataset to select {variant!r} on')
    rule = dict(convergence)
    cfg['optim_wrapper']['type'] = rule.pop('optim_wrapper', OPTIM_WRAPPER)
    converge(cfg, monitor, **rule)
    for key, value in (options or {}).items():
        set_key(cfg, key, value)
    return Config(cfg)
