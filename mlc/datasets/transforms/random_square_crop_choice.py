"""Random square crop of a randomly chosen size (PU-MLC training pipeline)."""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mlc.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomSquareCropChoice(BaseTransform):
    """Crop a ``s x s`` square at a uniformly random position, s drawn from
    ``sizes`` uniformly (torchvision ``RandomChoice`` over ``RandomCrop(s)``,
    the PU-MLC/SSGRL pipeline: Resize 512 -> this -> Resize 448).

    Randomness comes from the global numpy RNG (seeded per worker by
    mmengine). An image smaller than the drawn size raises (resize first).

    Required keys: ``img``. Modified keys: ``img``, ``img_shape``.

    Args:
        sizes (Sequence[int]): Candidate square sides. Defaults to
            ``(512, 448, 384, 320, 256)``.
    """

    def __init__(self, sizes: Sequence[int] = (512, 448, 384, 320,
                                               256)) -> None:
        if not sizes or any(int(s) <= 0 for s in sizes):
            raise ValueError('RandomSquareCropChoice: sizes must be a '
                             f'non-empty list of positive ints, got {sizes}')
        self.sizes = [int(s) for s in sizes]

    def transform(self, results: dict) -> dict:
        """Crop ``results['img']`` (H, W, ...)."""
        img = results['img']
        height, width = img.shape[:2]
        size = self.sizes[np.random.randint(len(self.sizes))]
        if size > height or size > width:
            raise ValueError(f'RandomSquareCropChoice: crop {size} larger '
                             f'than the image {height}x{width} '
                             f'({results.get("img_path", "")}); resize first')
        top = np.random.randint(height - size + 1)
        left = np.random.randint(width - size + 1)
        results['img'] = img[top:top + size, left:left + size]
        results['img_shape'] = (size, size)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(sizes={self.sizes})'
