"""The strong augmentation of the PLL methods (PiCO/RECORDS
``RandomAugment``)."""
from typing import Callable, List, Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from PIL import Image, ImageEnhance, ImageOps

from mlc.registry import TRANSFORMS
from .pil_image import check_channel_order, check_num_ops, from_pil, to_pil


def _affine(img: Image.Image, coeffs: Tuple[float, ...]) -> Image.Image:
    return img.transform(img.size, Image.AFFINE, coeffs)


#: (name, op(img, v), low, high); magnitudes v ~ U(low, high).
OPS: List[Tuple[str, Callable, float, float]] = [
    ('AutoContrast', lambda img, v: ImageOps.autocontrast(img), 0, 1),
    ('Brightness', lambda img, v: ImageEnhance.Brightness(img).enhance(v),
     0.05, 0.95),
    ('Color', lambda img, v: ImageEnhance.Color(img).enhance(v), 0.05, 0.95),
    ('Contrast', lambda img, v: ImageEnhance.Contrast(img).enhance(v),
     0.05, 0.95),
    ('Equalize', lambda img, v: ImageOps.equalize(img), 0, 1),
    ('Identity', lambda img, v: img, 0, 1),
    ('Posterize', lambda img, v: ImageOps.posterize(img, int(v)), 4, 8),
    ('Rotate', lambda img, v: img.rotate(v), -30, 30),
    ('Sharpness', lambda img, v: ImageEnhance.Sharpness(img).enhance(v),
     0.05, 0.95),
    ('ShearX', lambda img, v: _affine(img, (1, v, 0, 0, 1, 0)), -0.3, 0.3),
    ('ShearY', lambda img, v: _affine(img, (1, 0, 0, v, 1, 0)), -0.3, 0.3),
    ('Solarize', lambda img, v: ImageOps.solarize(img, int(v)), 0, 256),
    ('TranslateX', lambda img, v: _affine(
        img, (1, 0, v * img.size[0], 0, 1, 0)), -0.3, 0.3),
    ('TranslateY', lambda img, v: _affine(
        img, (1, 0, 0, 0, 1, v * img.size[1])), -0.3, 0.3),
]


@TRANSFORMS.register_module()
class RandomAugmentPLL(BaseTransform):
    """``num_ops`` ops drawn uniformly with replacement from the 14 ops of
    :data:`OPS`, each with a magnitude uniform in its range (the
    ``RandomAugment(3, 5)`` of PiCO/RECORDS/SoLar, whose second argument is
    unused). The trailing Cutout of the official op is a separate transform
    (``Cutout(factor=(0., 0.5), fill=(125, 123, 114))``).

    The ops run on the RGB PIL image, as the code (Color and Contrast
    weigh the channels by their luma). Randomness comes from the numpy
    global RNG (seeded per dataloader worker by mmengine), not Python's
    ``random`` as in the official code; the draw order follows it (all ops
    first, then their magnitudes).

    Required keys: ``img`` (H, W, 3) uint8. Modified keys: ``img``.

    Args:
        num_ops (int): Ops per image. Defaults to 3.
        channel_order (str): ``'bgr'`` (mmcv's ``LoadImageFromFile``,
            default) or ``'rgb'`` (the CIFAR arrays).
    """

    def __init__(self, num_ops: int = 3, channel_order: str = 'bgr') -> None:
        check_num_ops('RandomAugmentPLL', num_ops)
        check_channel_order('RandomAugmentPLL', channel_order)
        self.num_ops = num_ops
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        img = to_pil(results['img'], self.channel_order)
        ops = [OPS[np.random.randint(len(OPS))] for _ in range(self.num_ops)]
        for _, op, low, high in ops:
            img = op(img, low + (high - low) * np.random.random())
        results['img'] = from_pil(img, self.channel_order)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(num_ops={self.num_ops}, '
                f'channel_order={self.channel_order!r})')
