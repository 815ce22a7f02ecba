"""torchvision's ``RandomGrayscale`` on PIL images (the PLL weak view)."""
import numpy as np
from mmcv.transforms import BaseTransform

from mlc.registry import TRANSFORMS
from .pil_image import check_channel_order, check_prob, to_pil


@TRANSFORMS.register_module()
class PILRandomGrayscale(BaseTransform):
    """With probability ``prob`` replace every channel by PIL's ``L`` of
    the RGB image (ITU-R 601-2 luma, L = R 299/1000 + G 587/1000 +
    B 114/1000, rounded), as torchvision's ``RandomGrayscale`` on a PIL
    image; three channels are kept. Draws one number from the numpy global
    RNG per call (torchvision: torch's).

    Required keys: ``img`` (H, W, 3) uint8. Modified keys: ``img``.

    Args:
        prob (float): Probability of the conversion. Defaults to 0.1.
        channel_order (str): ``'bgr'`` (mmcv's ``LoadImageFromFile``,
            default) or ``'rgb'`` (the CIFAR arrays).
    """

    def __init__(self, prob: float = 0.1, channel_order: str = 'bgr') -> None:
        check_prob('PILRandomGrayscale', prob)
        check_channel_order('PILRandomGrayscale', channel_order)
        self.prob = prob
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        if np.random.random() < self.prob:
            grey = np.asarray(
                to_pil(results['img'], self.channel_order).convert('L'))
            results['img'] = np.repeat(grey[..., None], 3, axis=2)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(prob={self.prob}, '
                f'channel_order={self.channel_order!r})')
