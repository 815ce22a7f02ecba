"""Float32 regions inside mixed-precision training."""
import torch


def autocast_off(tensor: torch.Tensor) -> torch.autocast:
    """A context that turns autocast off on ``tensor``'s device.

    The losses and SoLar's Sinkhorn refinery run in it, so that under
    ``AutocastOptimWrapper`` / ``AmpOptimWrapper`` their matrix products
    (e.g. COMIC's co-occurrence prior ``y @ M``) stay in float32 instead of
    being cast to half precision; what they compute is then that of the
    same values in float32, to the bit.

    Args:
        tensor (Tensor): Any input of the region (gives the device type).
    """
    return torch.autocast(tensor.device.type, enabled=False)
