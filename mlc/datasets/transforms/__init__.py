"""Data transforms."""
from .center_pad_square import CenterPadToSquare
from .cutout import Cutout
from .load_image import LoadImageFromFile
from .photo_metric_distortion import PhotoMetricDistortion
from .pil_color_jitter import PILColorJitter
from .pil_random_grayscale import PILRandomGrayscale
from .rand_augment_uda import RandAugmentUDA
from .random_augment_pll import RandomAugmentPLL
from .random_square_crop_choice import RandomSquareCropChoice
from .relative_random_crop import RelativeRandomCrop

__all__ = [
    'CenterPadToSquare', 'Cutout', 'LoadImageFromFile',
    'PhotoMetricDistortion', 'PILColorJitter',
    'PILRandomGrayscale', 'RandAugmentUDA', 'RandomAugmentPLL',
    'RandomSquareCropChoice', 'RelativeRandomCrop'
]
