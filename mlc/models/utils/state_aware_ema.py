"""EMA of model weights that copies (never averages) per-sample state."""
import torch.nn as nn
from mmengine.model import ExponentialMovingAverage

from mlc.registry import MODELS


@MODELS.register_module()
class StateAwareEMA(ExponentialMovingAverage):
    """:class:`ExponentialMovingAverage` for models with ``state`` buffers.

    With ``update_buffers=True`` mmengine averages every floating buffer,
    which would blend per-sample state (label memories, confidence tables,
    queues) of different steps into values no step ever had. Buffers whose
    name has a ``state`` component (``*.state.*`` or ``state.*``) are copied
    from the source model after every update instead. Use it as
    ``custom_hooks = [dict(type='EMAHook', ema_type='StateAwareEMA',
    momentum=..., update_buffers=True)]``.
    """

    def update_parameters(self, model: nn.Module) -> None:
        """Average parameters (and other buffers), then copy state buffers."""
        super().update_parameters(model)
        source = dict(model.named_buffers())
        for name, buf in self.module.named_buffers():
            if 'state' in name.split('.'):
                buf.data.copy_(source[name].data.to(buf.device))
