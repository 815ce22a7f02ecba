"""The data preprocessor of a model built from its config."""
from typing import Optional, Union

import torch.nn as nn

from mlc.registry import MODELS


def build_data_preprocessor(cfg: Optional[Union[dict, nn.Module]],
                            default_type: str) -> nn.Module:
    """``cfg`` built (``dict(type=default_type)`` when None), or ``cfg``
    itself when it is already a module.

    Args:
        cfg (dict | nn.Module, optional): The model's ``data_preprocessor``.
        default_type (str): Registered type used when ``cfg`` is None.

    Returns:
        nn.Module: The data preprocessor.
    """
    if cfg is None:
        cfg = dict(type=default_type)
    return MODELS.build(cfg) if isinstance(cfg, dict) else cfg
