"""torchvision's ``ColorJitter`` on PIL images (the PLL weak view)."""
import numbers
from typing import Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform
from PIL import Image, ImageEnhance

from mlc.registry import TRANSFORMS
from .pil_image import check_channel_order, from_pil, to_pil

Range = Union[float, Sequence[float]]


def adjust_hue(img: Image.Image, factor: float) -> Image.Image:
    """Shift the PIL HSV hue by ``int(factor * 255)`` modulo 256 (the uint8
    wrap-around of torchvision's PIL ``adjust_hue``)."""
    h, s, v = img.convert('HSV').split()
    shift = int(factor * 255) % 256
    hue = ((np.asarray(h, np.int32) + shift) % 256).astype(np.uint8)
    return Image.merge('HSV', (Image.fromarray(hue), s, v)).convert(img.mode)


def _range(name: str, value: Range, center: float,
           bound: Tuple[float, float]) -> Optional[Tuple[float, float]]:
    """``v`` -> ``(center - v, center + v)`` clipped below at the bound (as
    torchvision); None for the identity range."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f'PILColorJitter: {name} must be >= 0, got '
                             f'{value}')
        value = (max(center - value, bound[0]), center + value)
    if len(value) != 2 or not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise ValueError(f'PILColorJitter: {name} must be a number or a '
                         f'(min, max) pair within {bound}, got {value}')
    return None if value[0] == value[1] == center else (float(value[0]),
                                                         float(value[1]))


@TRANSFORMS.register_module()
class PILColorJitter(BaseTransform):
    """Random brightness, contrast, saturation and hue in a random order,
    as torchvision's ``ColorJitter`` on a PIL image: factors uniform in
    ``[max(0, 1 - v), 1 + v]`` (hue in ``[-v, v]``), applied with PIL's
    ``ImageEnhance`` on the RGB image (contrast and saturation weigh the
    channels by their luma) and a uint8 hue shift in PIL's HSV.

    Randomness comes from the numpy global RNG (torchvision uses torch's):
    the order permutation first, then the brightness, contrast, saturation
    and hue factors (those that are set).

    Required keys: ``img`` (H, W, 3) uint8. Modified keys: ``img``.

    Args:
        brightness, contrast, saturation (float | tuple): Jitter amounts.
        hue (float | tuple): Hue jitter, within [-0.5, 0.5].
        channel_order (str): ``'bgr'`` (mmcv's ``LoadImageFromFile``,
            default) or ``'rgb'`` (the CIFAR arrays).
    """

    def __init__(self, brightness: Range = 0., contrast: Range = 0.,
                 saturation: Range = 0., hue: Range = 0.,
                 channel_order: str = 'bgr') -> None:
        inf = float('inf')
        self.brightness = _range('brightness', brightness, 1., (0., inf))
        self.contrast = _range('contrast', contrast, 1., (0., inf))
        self.saturation = _range('saturation', saturation, 1., (0., inf))
        self.hue = _range('hue', hue, 0., (-0.5, 0.5))
        check_channel_order('PILColorJitter', channel_order)
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        order = np.random.permutation(4)
        factors = [None if r is None else np.random.uniform(*r)
                   for r in (self.brightness, self.contrast, self.saturation,
                             self.hue)]
        img = to_pil(results['img'], self.channel_order)
        for i in order:
            f = factors[i]
            if f is None:
                continue
            if i == 0:
                img = ImageEnhance.Brightness(img).enhance(f)
            elif i == 1:
                img = ImageEnhance.Contrast(img).enhance(f)
            elif i == 2:
                img = ImageEnhance.Color(img).enhance(f)
            else:
                img = adjust_hue(img, f)
        results['img'] = from_pil(img, self.channel_order)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(brightness={self.brightness}, '
                f'contrast={self.contrast}, saturation={self.saturation}, '
                f'hue={self.hue}, channel_order={self.channel_order!r})')
