"""Conversion between pipeline arrays and RGB PIL images.

mmcv's ``LoadImageFromFile`` yields BGR arrays, the CIFAR datasets RGB ones;
the transforms that reproduce torchvision/PIL augmentations run on RGB PIL
images and take the array's ``channel_order``.
"""
import numpy as np
from PIL import Image

CHANNEL_ORDERS = ('bgr', 'rgb')


def check_channel_order(name: str, channel_order: str) -> None:
    """Raise one ValueError line naming the transform if the order is bad."""
    if channel_order not in CHANNEL_ORDERS:
        raise ValueError(f"{name}: channel_order must be 'bgr' or 'rgb', got "
                         f'{channel_order!r}')


def check_prob(name: str, prob: float) -> None:
    """Raise one ValueError line naming the transform if ``prob`` is not a
    probability."""
    if not 0 <= prob <= 1:
        raise ValueError(f'{name}: prob must be in [0, 1], got {prob}')


def check_num_ops(name: str, num_ops: int) -> None:
    """Raise one ValueError line naming the transform if ``num_ops`` < 0."""
    if num_ops < 0:
        raise ValueError(f'{name}: num_ops must be >= 0, got {num_ops}')


def to_pil(img: np.ndarray, channel_order: str) -> Image.Image:
    """(H, W, 3) uint8 array in ``channel_order`` -> RGB PIL image."""
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
        raise ValueError('expected an (H, W, 3) uint8 image, got shape '
                         f'{img.shape} dtype {img.dtype}')
    rgb = img[..., ::-1] if channel_order == 'bgr' else img
    return Image.fromarray(np.ascontiguousarray(rgb))


def from_pil(img: Image.Image, channel_order: str) -> np.ndarray:
    """RGB PIL image -> (H, W, 3) uint8 array in ``channel_order``."""
    rgb = np.asarray(img.convert('RGB'))
    out = rgb[..., ::-1] if channel_order == 'bgr' else rgb
    return np.ascontiguousarray(out)
