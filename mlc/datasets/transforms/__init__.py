"""Data transforms."""
from .center_pad_square import CenterPadToSquare
from .cutout import Cutout
from .photo_metric_distortion import PhotoMetricDistortion
from .rand_augment_uda import RandAugmentUDA
from .random_augment_pll import RandomAugmentPLL
from .random_square_crop_choice import RandomSquareCropChoice
from .relative_random_crop import RelativeRandomCrop

__all__ = [
    'CenterPadToSquare', 'Cutout', 'PhotoMetricDistortion',
    'RandAugmentUDA', 'RandomAugmentPLL', 'RandomSquareCropChoice',
    'RelativeRandomCrop'
]
