"""RandAugment of the ASL/Hill/SPLC pipelines (the UDA ``randaugment`` pip
package), rebuilt on mmpretrain's augmentation ops."""
from typing import List

import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.datasets.transforms import auto_augment as aa

from mlc.registry import TRANSFORMS

#: (op class, extra kwargs) of the 15 ops; magnitude ranges are mmpretrain's
#: RandAugment ('timm_increasing') ranges, Cutout 0-20 px, Rotate positive
OPS = (
    (aa.Invert, {}),
    (aa.Cutout, dict(magnitude_range=(0, 20))),
    (aa.Sharpness, dict(magnitude_range=(0, 0.9))),
    (aa.AutoContrast, {}),
    (aa.Posterize, dict(magnitude_range=(4, 0))),
    (aa.Shear, dict(magnitude_range=(0, 0.3), direction='horizontal')),
    (aa.Shear, dict(magnitude_range=(0, 0.3), direction='vertical')),
    (aa.Translate, dict(magnitude_range=(0, 0.45), direction='horizontal')),
    (aa.Translate, dict(magnitude_range=(0, 0.45), direction='vertical')),
    (aa.Rotate, dict(magnitude_range=(0, 30), random_negative_prob=0.)),
    (aa.Equalize, {}),
    (aa.Contrast, dict(magnitude_range=(0, 0.9))),
    (aa.ColorTransform, dict(magnitude_range=(0, 0.9))),
    (aa.Solarize, dict(magnitude_range=(256, 0))),
    (aa.Brightness, dict(magnitude_range=(0, 0.9))),
)
OP_NAMES = ('Invert', 'Cutout', 'Sharpness', 'AutoContrast', 'Posterize',
            'ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate',
            'Equalize', 'Contrast', 'Color', 'Solarize', 'Brightness')


@TRANSFORMS.register_module()
class RandAugmentUDA(BaseTransform):
    """Per call: ``num_ops`` ops drawn uniformly (with replacement, as
    ``random.choices`` in the pip package) from 15 ops, each applied with
    probability ``prob`` at its own magnitude level uniform in
    ``[1, max_level]`` (of 10); grey (128) fill; Rotate positive angles
    only. Signed ops (shear, translate, enhance) are negated with
    probability 0.5 (mmpretrain's default). Randomness comes from the global
    numpy RNG (seeded per worker by mmengine).

    The pip package's exact magnitude ranges are not recorded; mmpretrain's
    RandAugment ranges are used (spec hill_splc_asl §4).

    Required keys: ``img``. Modified keys: ``img``.

    Args:
        num_ops (int): Ops per call. Defaults to 2.
        prob (float): Probability of each drawn op. Defaults to 0.5.
        max_level (int): Largest magnitude level (of 10). Defaults to 9.
        pad_val (int): Fill of geometric ops and Cutout. Defaults to 128.
    """

    def __init__(self, num_ops: int = 2, prob: float = 0.5,
                 max_level: int = 9, pad_val: int = 128) -> None:
        if not 1 <= max_level <= 10:
            raise ValueError(f'RandAugmentUDA: max_level must be in [1, 10], '
                             f'got {max_level}')
        if not 0 <= prob <= 1:
            raise ValueError(f'RandAugmentUDA: prob must be in [0, 1], got '
                             f'{prob}')
        self.num_ops = num_ops
        self.prob = prob
        self.max_level = max_level
        self.pad_val = pad_val
        # ops[i][level - 1]: op i at a fixed level, applied with `prob`
        self.ops: List[List[BaseTransform]] = [
            [self._build(cls, kwargs, level)
             for level in range(1, max_level + 1)] for cls, kwargs in OPS]

    def _build(self, cls, kwargs: dict, level: int) -> BaseTransform:
        kwargs = dict(kwargs, prob=self.prob)
        if 'magnitude_range' in kwargs:
            kwargs['magnitude_level'] = level
        if cls in (aa.Cutout, aa.Shear, aa.Translate, aa.Rotate):
            kwargs['pad_val'] = self.pad_val
        return cls(**kwargs)

    def transform(self, results: dict) -> dict:
        """Apply ``num_ops`` random ops to ``results['img']``."""
        for _ in range(self.num_ops):
            op = np.random.randint(len(self.ops))
            level = np.random.randint(1, self.max_level + 1)
            results = self.ops[op][level - 1](results)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(num_ops={self.num_ops}, '
                f'prob={self.prob}, max_level={self.max_level}, '
                f'pad_val={self.pad_val})')
