"""One optimiser with a named parameter group per module (COMIC recipe)."""
from typing import Dict, List, Optional

import torch.nn as nn
from mmengine.optim import OptimWrapper

from mlc.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS, OPTIMIZERS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class ComicOptimWrapperConstructor:
    """Build one optimiser whose parameter groups are named module groups.

    COMIC trains one Adam per module (b_fc, h_fc, t_fc, b_attn, b_cls, ...)
    with its own learning rate and step schedule. Adam is per-parameter, so
    one Adam with one group per module is the same optimiser; it keeps the
    standard single-wrapper train step (and mmengine's DDP wrapper). Each
    group carries its ``name``, which :class:`GroupStepLR` uses.

    ``paramwise_cfg=dict(groups=dict(<name>=dict(prefix=..., lr=...,
    weight_decay=...)))``: every trainable parameter must fall under exactly
    one group (longest matching prefix of its name); an unmatched trainable
    parameter raises, frozen parameters are skipped. Group keys other than
    ``prefix`` override the optimiser defaults.

    Args:
        optim_wrapper_cfg (dict): ``optimizer`` config plus wrapper keys
            (``type`` defaults to ``OptimWrapper``).
        paramwise_cfg (dict): ``dict(groups=...)`` as above.
    """

    def __init__(self, optim_wrapper_cfg: Dict,
                 paramwise_cfg: Optional[Dict] = None) -> None:
        if not paramwise_cfg or 'groups' not in paramwise_cfg:
            raise ValueError('ComicOptimWrapperConstructor needs '
                             'paramwise_cfg=dict(groups=dict(name=dict('
                             'prefix=..., lr=...), ...))')
        extra = set(paramwise_cfg) - {'groups'}
        if extra:
            raise ValueError('ComicOptimWrapperConstructor: unknown '
                             f'paramwise_cfg keys {sorted(extra)}')
        self.optim_wrapper_cfg = dict(optim_wrapper_cfg)
        self.groups = paramwise_cfg['groups']
        for name, group in self.groups.items():
            if 'prefix' not in group:
                raise ValueError(f'ComicOptimWrapperConstructor: group '
                                 f'{name!r} has no prefix')

    def _group_of(self, param_name: str) -> Optional[str]:
        matches = [(len(g['prefix']), name)
                   for name, g in self.groups.items()
                   if param_name == g['prefix']
                   or param_name.startswith(g['prefix'] + '.')]
        return max(matches)[1] if matches else None

    def __call__(self, model: nn.Module) -> OptimWrapper:
        if hasattr(model, 'module'):
            model = model.module
        cfg = dict(self.optim_wrapper_cfg)
        optimizer_cfg = cfg.pop('optimizer')
        params: Dict[str, List[nn.Parameter]] = {n: [] for n in self.groups}
        unmatched = []
        for name, param in model.named_parameters():
            if not param.requires_grad:
                continue
            group = self._group_of(name)
            if group is None:
                unmatched.append(name)
            else:
                params[group].append(param)
        if unmatched:
            raise ValueError('ComicOptimWrapperConstructor: trainable '
                             f'parameters in no group: {unmatched[:5]}')
        param_groups = []
        for name, group in self.groups.items():
            if not params[name]:
                continue  # e.g. no attention in the no-balance ablation
            options = {k: v for k, v in group.items() if k != 'prefix'}
            param_groups.append(dict(params=params[name], name=name,
                                     **options))
        optimizer = OPTIMIZERS.build(dict(optimizer_cfg, params=param_groups))
        cfg.setdefault('type', 'OptimWrapper')
        return OPTIM_WRAPPERS.build(dict(cfg, optimizer=optimizer))
