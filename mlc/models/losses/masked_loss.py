"""The ``masked_loss`` decorator: the functional form of an element-wise
multi-label loss made from its core (see :mod:`.mlc_loss_base` for the
arguments every such function takes)."""
import functools
import inspect
from typing import Callable, List, Optional

import torch

from .mlc_loss_base import as_loss_inputs, weight_reduce_loss


def masked_loss(reduction: str = 'mean', unknown_as: str = 'ignore'
                ) -> Callable[[Callable[..., torch.Tensor]],
                              Callable[..., torch.Tensor]]:
    """Decorator making the functional form of an element-wise loss from its
    core (the OpenMMLab ``weighted_loss`` idiom, with unknowns).

    The core ``core(z, t, *hyper)`` returns the (B, C) element-wise loss of
    the float logits ``z`` (B, C) against the float targets ``t`` (B, C) in
    {1, 0, -1} (see :func:`as_loss_inputs`); every hyper-parameter has a
    default. A core with a keyword-only ``unknown_as`` also receives the
    rule (a loss resolving unknowns itself, e.g. WAN's
    ``'weak_negative'``). The result is
    ``core.__name__(pred, target, weight=None, *hyper, reduction=reduction,
    avg_factor=None, unknown_as=unknown_as)`` (the arguments of this
    module's docstring), computing :func:`as_loss_inputs`, the core and
    :func:`weight_reduce_loss`, with the core's name, docstring and that
    signature. A call with every argument positional (as
    :meth:`MLCLossBase.loss_function` makes it) is split by count; other
    calls are completed from the keywords and defaults first. The core
    stays reachable as ``__wrapped__``.

    Args:
        reduction (str): Default ``reduction`` of the function.
        unknown_as (str): Default ``unknown_as`` of the function.
    """
    def decorate(core: Callable[..., torch.Tensor]
                 ) -> Callable[..., torch.Tensor]:
        signature = inspect.signature(core)
        takes_rule = 'unknown_as' in signature.parameters
        hyper = [p for p in list(signature.parameters.values())[2:]
                 if p.name != 'unknown_as']
        if any(p.kind is not p.POSITIONAL_OR_KEYWORD or p.default is p.empty
               for p in hyper):
            raise TypeError(f'masked_loss: every hyper-parameter of '
                            f'{core.__name__} must be positional-or-keyword '
                            'with a default')
        params = [
            _argument('pred', torch.Tensor),
            _argument('target', torch.Tensor),
            _argument('weight', Optional[torch.Tensor], None), *hyper,
            _argument('reduction', str, reduction),
            _argument('avg_factor', Optional[float], None),
            _argument('unknown_as', str, unknown_as)
        ]
        num_hyper, num_args = len(hyper), len(params) - 3

        @functools.wraps(core)
        def loss_fn(pred: torch.Tensor,
                    target: torch.Tensor,
                    weight: Optional[torch.Tensor] = None,
                    *args, **kwargs) -> torch.Tensor:
            if kwargs or len(args) != num_args:
                args = _complete_args(core.__name__, params[3:], args,
                                      kwargs)
            reduction_, avg_factor, rule = args[num_hyper:]
            z, t = as_loss_inputs(pred, target)
            loss = core(z, t, *args[:num_hyper], unknown_as=rule) \
                if takes_rule else core(z, t, *args[:num_hyper])
            return weight_reduce_loss(loss, t, weight, rule, reduction_,
                                      avg_factor)

        loss_fn.__signature__ = signature.replace(parameters=params)
        loss_fn.__annotations__ = {p.name: p.annotation for p in params}
        loss_fn.__annotations__['return'] = signature.return_annotation
        return loss_fn

    return decorate


def _argument(name: str, annotation: object,
              default: object = inspect.Parameter.empty
              ) -> inspect.Parameter:
    """A positional-or-keyword parameter of a functional form."""
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                             default=default, annotation=annotation)


def _complete_args(name: str, params: List[inspect.Parameter], args: tuple,
                   kwargs: dict) -> tuple:
    """The values of ``params`` (the arguments after ``weight`` of the
    function ``name``) in order, from the positional ``args``, then
    ``kwargs``, then the defaults; a TypeError as Python's on a bad call."""
    if len(args) > len(params):
        raise TypeError(f'{name}() takes at most {len(params) + 3} '
                        f'positional arguments ({len(args) + 3} given)')
    for p in params[:len(args)]:
        if p.name in kwargs:
            raise TypeError(f'{name}() got multiple values for argument '
                            f"'{p.name}'")
    args += tuple(kwargs.pop(p.name, p.default) for p in params[len(args):])
    if kwargs:
        raise TypeError(f'{name}() got an unexpected keyword argument '
                        f"'{next(iter(kwargs))}'")
    return args
