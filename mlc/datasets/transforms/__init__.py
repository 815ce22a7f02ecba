"""Data transforms."""
from .cutout import Cutout
from .rand_augment_uda import RandAugmentUDA
from .random_augment_pll import RandomAugmentPLL
from .center_pad_square import CenterPadToSquare

__all__ = ['Cutout', 'RandAugmentUDA', 'RandomAugmentPLL', 'CenterPadToSquare']
from .random_square_crop_choice import RandomSquareCropChoice  # noqa: E402
__all__ += ['RandomSquareCropChoice']
from .photo_metric_distortion import PhotoMetricDistortion  # noqa: E402
from .relative_random_crop import RelativeRandomCrop  # noqa: E402
__all__ += ['PhotoMetricDistortion', 'RelativeRandomCrop']
