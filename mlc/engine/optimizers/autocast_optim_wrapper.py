"""Mixed-precision training in bfloat16 on any device, the CPU included."""
from contextlib import contextmanager
from typing import Iterator

import torch
import torch.nn as nn
from mmengine.device import get_device
from mmengine.optim import OptimWrapper

from mlc.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose forward (data preprocessing, model and loss)
    runs under ``torch.autocast`` in bfloat16 on the model's device.

    mmengine's ``AmpOptimWrapper`` refuses the CPU; this one does not, so
    CPUs with bfloat16 matrix units (AMX, AVX512-BF16) train convolutions
    in bfloat16 too (``benchmarks/bf16_training.py`` measures the gain
    against float32 in one process). bfloat16 keeps float32's exponent
    range, so no loss scaling is needed. The parameters, their gradients
    and the optimiser state stay float32; mlc's losses (and SoLar's
    Sinkhorn refinery) turn autocast off and compute on half-precision
    scores cast to float32 (``mlc.models.utils.autocast_off``), and
    validation and test run in float32 (outside the train step).

    Args:
        **kwargs: the keyword arguments of ``OptimWrapper``.
    """

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """``OptimWrapper.optim_context`` (gradient accumulation) inside
        bfloat16 autocast on the device of ``model``'s first parameter
        (mmengine's current device for a model without any)."""
        param = next(model.parameters(), None)
        device = get_device() if param is None else param.device.type
        with super().optim_context(model), torch.autocast(
                device_type=device, dtype=torch.bfloat16):
            yield
