"""Cutout of the ASL/Hill/SPLC training pipeline (their ``CutoutPIL``) and
of the PLL strong view (the FixMatch ``Cutout``/``CutoutAbs`` of
PiCO/RECORDS/SoLar)."""
from typing import Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform
from PIL import Image, ImageDraw

from mlc.registry import TRANSFORMS
from .pil_image import check_channel_order


@TRANSFORMS.register_module()
class Cutout(BaseTransform):
    """Fill one random rectangle of every image with a colour, drawn with
    PIL's ``ImageDraw.rectangle`` (corners inclusive) as the official code.

    ``factor`` a float: the ASL/Hill ``CutoutPIL``. A row centre ``yc``,
    then a column centre ``xc``, are drawn uniformly over the image; with
    ``half = int(f * side + 0.5) // 2`` per axis the rectangle spans
    ``[c - half, c + half]`` clipped to the image, so at most
    ``2 * half + 1`` pixels per axis (225 x 225 at 448^2). The official code
    swaps the axes' sides, which is the same on its square images.

    ``factor`` a ``(low, high)`` range: the PLL ``CutoutAbs``. ``f ~ U(low,
    high)`` (nothing when ``f = 0``), side ``v = f * width``; the top-left
    corner is ``int(max(0, c - v / 2))`` for a centre ``c`` drawn as
    ``np.random.uniform(side)`` (the code's call: uniform on ``(1, side]``)
    and the rectangle ends at ``min(side, corner + v)``: a box near the
    top/left border is shifted inward instead of clipped
    (``factor=(0., 0.5), fill=(125, 123, 114)``: 8.3 % of the image erased
    on average).

    Randomness comes from the global numpy RNG (seeded per worker by
    mmengine; the code draws ``f`` and the colours with Python's
    ``random``).

    Shadows mmpretrain's ``Cutout`` (a RandAugment op) in the ``mlc`` scope.

    Required keys: ``img`` (H, W, 3) uint8. Modified keys: ``img``.

    Args:
        factor (float | tuple): Patch side as a fraction of the image side,
            or a (low, high) range. Defaults to 0.5.
        fill (str | int | tuple): ``'random_rgb'`` (one uniformly random
            colour per call, default) or a fixed value / RGB tuple.
        channel_order (str): ``'bgr'`` (mmcv's ``LoadImageFromFile``,
            default) or ``'rgb'``: order of the array's channels, so that an
            RGB ``fill`` lands in the right channels.
    """

    def __init__(self,
                 factor: Union[float, Tuple[float, float]] = 0.5,
                 fill: Union[str, int, Sequence[int]] = 'random_rgb',
                 channel_order: str = 'bgr') -> None:
        low, high = (factor, factor) if np.isscalar(factor) else factor
        if not 0 <= low <= high <= 1:
            raise ValueError('Cutout: factor must be in [0, 1] or a range '
                             f'0 <= low <= high <= 1, got {factor}')
        if isinstance(fill, str) and fill != 'random_rgb':
            raise ValueError("Cutout: fill must be 'random_rgb', an int or a "
                             f'tuple, got {fill!r}')
        check_channel_order('Cutout', channel_order)
        self.factor = factor
        self.ranged = not np.isscalar(factor)
        self.low, self.high = float(low), float(high)
        self.fill = fill
        self.channel_order = channel_order

    def box(self, height: int,
            width: int) -> Optional[Tuple[float, float, float, float]]:
        """Draw the PIL rectangle ``(x0, y0, x1, y1)`` (inclusive corners),
        or None when nothing is erased."""
        if not self.ranged:
            half_h = int(self.low * height + 0.5) // 2
            half_w = int(self.low * width + 0.5) // 2
            yc = np.random.randint(height)
            xc = np.random.randint(width)
            return (np.clip(xc - half_w, 0, width),
                    np.clip(yc - half_h, 0, height),
                    np.clip(xc + half_w, 0, width),
                    np.clip(yc + half_h, 0, height))
        f = np.random.uniform(self.low, self.high)
        if f <= 0:
            return None
        v = f * width
        x0 = int(max(0, np.random.uniform(width) - v / 2.))
        y0 = int(max(0, np.random.uniform(height) - v / 2.))
        return x0, y0, min(width, x0 + v), min(height, y0 + v)

    def transform(self, results: dict) -> dict:
        """Fill the rectangle of ``results['img']``."""
        img = results['img']
        box = self.box(*img.shape[:2])
        if box is None:
            return results
        if self.fill == 'random_rgb':
            colour = tuple(int(c) for c in np.random.randint(0, 256, 3))
        elif np.isscalar(self.fill):
            colour = (int(self.fill), ) * 3
        else:
            colour = tuple(int(c) for c in self.fill)
        if self.channel_order == 'bgr':
            colour = colour[::-1]
        pil = Image.fromarray(img)
        ImageDraw.Draw(pil).rectangle(box, fill=colour)
        results['img'] = np.asarray(pil).copy()
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(factor={self.factor}, '
                f'fill={self.fill!r}, channel_order={self.channel_order!r})')
