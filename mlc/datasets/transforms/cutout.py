"""Cutout of the ASL/Hill/SPLC training pipeline (their ``CutoutPIL``)."""
from typing import Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mlc.registry import TRANSFORMS


@TRANSFORMS.register_module()
class Cutout(BaseTransform):
    """Fill one random rectangle of every image with a colour.

    A centre ``(yc, xc)`` is drawn uniformly over the image; the half size
    per axis is ``int(f * side + 0.5) // 2`` and the patch
    ``[yc - half_h, yc + half_h) x [xc - half_w, xc + half_w)`` is clipped to
    the image (at most ``f * side`` per axis: <= 224 x 224 at 448^2).

    ``factor`` a float gives the official ``CutoutPIL`` (f = factor); a
    ``(low, high)`` pair draws f ~ U(low, high) per call (the PLL variant:
    ``factor=(0., 0.5), fill=(125, 123, 114)``). Randomness comes from the
    global numpy RNG (seeded per worker by mmengine).

    Shadows mmpretrain's ``Cutout`` (a RandAugment op) in the ``mlc`` scope.

    Required keys: ``img`` (H, W, C) uint8. Modified keys: ``img``.

    Args:
        factor (float | tuple): Patch side as a fraction of the image side,
            or a (low, high) range. Defaults to 0.5.
        fill (str | int | tuple): ``'random_rgb'`` (one uniformly random
            colour per call, default) or a fixed value / per-channel tuple.
    """

    def __init__(self,
                 factor: Union[float, Tuple[float, float]] = 0.5,
                 fill: Union[str, int, Sequence[int]] = 'random_rgb') -> None:
        low, high = (factor, factor) if np.isscalar(factor) else factor
        if not 0 <= low <= high <= 1:
            raise ValueError('Cutout: factor must be in [0, 1] or a range '
                             f'0 <= low <= high <= 1, got {factor}')
        if isinstance(fill, str) and fill != 'random_rgb':
            raise ValueError("Cutout: fill must be 'random_rgb', an int or a "
                             f'tuple, got {fill!r}')
        self.factor = factor
        self.low, self.high = float(low), float(high)
        self.fill = fill

    def patch(self, height: int, width: int) -> Tuple[int, int, int, int]:
        """Draw the clipped patch ``(y1, y2, x1, x2)`` (half-open)."""
        f = self.low if self.low == self.high else np.random.uniform(
            self.low, self.high)
        half_h = int(f * height + 0.5) // 2
        half_w = int(f * width + 0.5) // 2
        yc = np.random.randint(height)
        xc = np.random.randint(width)
        return (max(yc - half_h, 0), min(yc + half_h, height),
                max(xc - half_w, 0), min(xc + half_w, width))

    def transform(self, results: dict) -> dict:
        """Fill the patch of ``results['img']``."""
        img = results['img']
        y1, y2, x1, x2 = self.patch(*img.shape[:2])
        if self.fill == 'random_rgb':
            channels = img.shape[2] if img.ndim == 3 else 1
            colour = np.random.randint(0, 256, channels)
        else:
            colour = np.asarray(self.fill)
        img = img.copy()
        img[y1:y2, x1:x2] = colour.astype(img.dtype)
        results['img'] = img
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(factor={self.factor}, '
                f'fill={self.fill!r})')
