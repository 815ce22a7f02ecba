"""DigitMosaic rendering: draws -> 8-bit grayscale images."""
import numpy as np
from PIL import Image

from .geometry import DIGIT, Geometry


def _to_uint8(pixels: np.ndarray) -> np.ndarray:
    return np.rint(pixels * 255.0 / 16.0).astype(np.uint8)


def _resize(img: np.ndarray, size: int) -> np.ndarray:
    if img.shape[0] == size:
        return img
    return np.asarray(Image.fromarray(img).resize(
        (size, size), Image.Resampling.BILINEAR))


def _digit(image: np.ndarray, side: int) -> np.ndarray:
    """(side, side) float digit in [0, 16]: the (8, 8) source, bilinear
    resized (in float) unless ``side`` is 8."""
    if side == DIGIT:
        return image
    return np.asarray(Image.fromarray(image.astype(np.float32)).resize(
        (side, side), Image.Resampling.BILINEAR), dtype=np.float64)


def render_mosaic(images: np.ndarray, sources: np.ndarray,
                  placement: np.ndarray, geom: Geometry) -> np.ndarray:
    """(img_size, img_size) uint8 mosaic.

    Args:
        images (np.ndarray): (M, 8, 8) source digits in [0, 16].
        sources (np.ndarray): (K,) source index per cell (-1 blank),
            row-major over the ``geom.grid`` cells.
        placement (np.ndarray): (K, 3) digit side, row and column offset
            inside the cell (source pixels).
        geom (Geometry): Canvas, grid and output size.
    """
    canvas = np.zeros((geom.canvas, geom.canvas))
    cell_h, cell_w = geom.cell
    for cell, src in enumerate(sources):
        if src >= 0:
            r, c = divmod(cell, geom.grid[1])
            side, dr, dc = placement[cell]
            top, left = r * cell_h + dr, c * cell_w + dc
            canvas[top:top + side, left:left + side] = _digit(images[src],
                                                              side)
    return _resize(_to_uint8(canvas), geom.img_size)


def render_single(images: np.ndarray, source: int, offset: np.ndarray,
                  img_size: int) -> np.ndarray:
    """(img_size, img_size) uint8: the digit upsampled to 24x24, pasted into
    a black 32x32 canvas at ``offset`` (row, col), resized to img_size."""
    canvas = np.zeros((32, 32), dtype=np.uint8)
    digit = _resize(_to_uint8(images[source]), 24)
    canvas[offset[0]:offset[0] + 24, offset[1]:offset[1] + 24] = digit
    return _resize(canvas, img_size)
