"""RandAugment of the ASL/Hill/SPLC pipelines: the ``RandAugment`` of the pip
package ``randaugment`` 1.0.2 (jizongFox/pytorch-randaugment, after UDA),
re-implemented on PIL with numpy's global RNG."""
from typing import Callable, Dict, Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from PIL import Image, ImageEnhance, ImageOps

from mlc.registry import TRANSFORMS
from .pil_image import (
    check_channel_order,
    check_num_ops,
    check_prob,
    from_pil,
    to_pil,
)

#: grey of the geometric ops (the package's SubPolicy default)
FILL = (128, 128, 128)
#: colour of the package's Cutout op
CUTOUT_FILL = (125, 122, 113)


def _sign() -> int:
    """``random.choice([-1, 1])`` on numpy's RNG."""
    return -1 if np.random.random() < 0.5 else 1


def _rotate(img: Image.Image, angle: float) -> Image.Image:
    """Positive-only rotation, grey outside (RGBA composite as the code)."""
    rot = img.convert('RGBA').rotate(angle)
    grey = Image.new('RGBA', rot.size, (128, ) * 4)
    return Image.composite(rot, grey, rot).convert(img.mode)


def _cutout(img: Image.Image, size: int) -> Image.Image:
    """``size`` x ``size`` box (clipped) around a uniform centre; the code
    draws the x centre first (its ``height_loc`` is a column)."""
    img = img.copy()
    w, h = img.size
    xc = np.random.randint(0, w)
    yc = np.random.randint(0, h)
    half = int(size) // 2
    x1, x2 = max(0, xc - half), min(w, xc + half)
    y1, y2 = max(0, yc - half), min(h, yc + half)
    pixels = img.load()
    for x in range(x1, x2):
        for y in range(y1, y2):
            pixels[x, y] = CUTOUT_FILL
    return img


def _affine(img: Image.Image, coeffs: Tuple[float, ...],
            resample: int = Image.NEAREST) -> Image.Image:
    return img.transform(img.size, Image.AFFINE, coeffs, resample,
                         fillcolor=FILL)


#: name -> (magnitudes of levels 0..9, op(img, magnitude)); the package
#: indexes these 10-point tables with levels 1..9 (no level 0)
OPS: Dict[str, Tuple[np.ndarray, Callable]] = {
    'Invert': (np.zeros(10), lambda img, m: ImageOps.invert(img)),
    'Cutout': (np.round(np.linspace(0, 20, 10)).astype(int), _cutout),
    'Sharpness': (np.linspace(0, 0.9, 10), lambda img, m: ImageEnhance
                  .Sharpness(img).enhance(1 + m * _sign())),
    'AutoContrast': (np.zeros(10), lambda img, m: ImageOps.autocontrast(img)),
    'Posterize': (np.round(np.linspace(8, 4, 10)).astype(int),
                  lambda img, m: ImageOps.posterize(img, int(m))),
    'ShearX': (np.linspace(0, 0.3, 10), lambda img, m: _affine(
        img, (1, m * _sign(), 0, 0, 1, 0), Image.BICUBIC)),
    'TranslateX': (np.linspace(0, 150 / 331, 10), lambda img, m: _affine(
        img, (1, 0, m * img.size[0] * _sign(), 0, 1, 0))),
    'TranslateY': (np.linspace(0, 150 / 331, 10), lambda img, m: _affine(
        img, (1, 0, 0, 0, 1, m * img.size[1] * _sign()))),
    'ShearY': (np.linspace(0, 0.3, 10), lambda img, m: _affine(
        img, (1, 0, 0, m * _sign(), 1, 0), Image.BICUBIC)),
    'Rotate': (np.linspace(0, 30, 10), _rotate),
    'Equalize': (np.zeros(10), lambda img, m: ImageOps.equalize(img)),
    'Contrast': (np.linspace(0, 0.9, 10), lambda img, m: ImageEnhance
                 .Contrast(img).enhance(1 + m * _sign())),
    'Color': (np.linspace(0, 0.9, 10), lambda img, m: ImageEnhance
              .Color(img).enhance(1 + m * _sign())),
    'Solarize': (np.linspace(256, 0, 10),
                 lambda img, m: ImageOps.solarize(img, m)),
    'Brightness': (np.linspace(0, 0.9, 10), lambda img, m: ImageEnhance
                   .Brightness(img).enhance(1 + m * _sign())),
}
#: the package's op order (``RandAugment.get_trans_list``)
OP_NAMES = tuple(OPS)
#: levels the package draws (``range(1, 10)``)
LEVELS = 9


@TRANSFORMS.register_module()
class RandAugmentUDA(BaseTransform):
    """Per call: ``num_ops`` (op, level) pairs drawn uniformly with
    replacement from the 15 ops x levels 1-9 (the package draws one of its
    135^2 two-op policies), then each op applied with probability ``prob``
    at magnitude ``table[level]`` of its 10-point table (level 9 = the full
    range: Posterize 8..4 bits, shear 0.3, translate 150/331 of the side,
    rotate 30 deg (positive only), enhance factors 1 +- 0.9, solarize
    threshold 256..0, Cutout 2..20 px). Signs of shear, translate and
    enhance ops are drawn with probability 0.5; geometric fill grey 128,
    Cutout fill (125, 122, 113). Runs on the RGB PIL image as the code.

    Randomness comes from the numpy global RNG (seeded per worker by
    mmengine) instead of Python's ``random``; the draw order follows the
    code (policy, then per op: apply?, sign, Cutout centre x then y).

    Required keys: ``img`` (H, W, 3) uint8. Modified keys: ``img``.

    Args:
        num_ops (int): Ops per call. Defaults to 2 (the package's pairs).
        prob (float): Probability of each drawn op. Defaults to 0.5.
        channel_order (str): ``'bgr'`` (mmcv's ``LoadImageFromFile``,
            default) or ``'rgb'``: order of the array's channels.
    """

    def __init__(self, num_ops: int = 2, prob: float = 0.5,
                 channel_order: str = 'bgr') -> None:
        check_num_ops('RandAugmentUDA', num_ops)
        check_prob('RandAugmentUDA', prob)
        check_channel_order('RandAugmentUDA', channel_order)
        self.num_ops = num_ops
        self.prob = prob
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        """Apply the drawn ops to ``results['img']``."""
        policy = [(OP_NAMES[np.random.randint(len(OP_NAMES))],
                   np.random.randint(1, LEVELS + 1))
                  for _ in range(self.num_ops)]
        img = to_pil(results['img'], self.channel_order)
        for name, level in policy:
            if np.random.random() < self.prob:
                table, op = OPS[name]
                img = op(img, table[level])
        results['img'] = from_pil(img, self.channel_order)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(num_ops={self.num_ops}, '
                f'prob={self.prob}, channel_order={self.channel_order!r})')
