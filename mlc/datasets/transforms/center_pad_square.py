"""Zero-pad an image to a centred square (the PLL-VOC preprocessing)."""
import numpy as np
from mmcv.transforms import BaseTransform

from mlc.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CenterPadToSquare(BaseTransform):
    """Pad the shorter side equally on both sides (the extra pixel after)
    with ``pad_val`` so the image becomes square, as the RECORDS VOC loader
    does before resizing to 128×128.

    Required keys: ``img``. Modified keys: ``img``, ``img_shape``.

    Args:
        pad_val (int): Fill value. Defaults to 0.
    """

    def __init__(self, pad_val: int = 0) -> None:
        self.pad_val = pad_val

    def transform(self, results: dict) -> dict:
        img = results['img']
        height, width = img.shape[:2]
        side = max(height, width)
        top, left = (side - height) // 2, (side - width) // 2
        pad = [(top, side - height - top), (left, side - width - left)]
        pad += [(0, 0)] * (img.ndim - 2)
        results['img'] = np.pad(img, pad, constant_values=self.pad_val)
        results['img_shape'] = (side, side)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(pad_val={self.pad_val})'
