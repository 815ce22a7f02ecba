"""Image loading with a pixel limit checked on the header, before decoding.

A small compressed file can declare a huge image (an 875 KB PNG declaring
~3.6 gigapixels asks the decoder for 10.8 GB): :func:`check_image_pixels`
reads only the header (Pillow's lazy ``Image.open``) and refuses an image
whose declared width x height exceeds ``max_pixels`` before any pixel is
decoded. :class:`LoadImageFromFile` is registered in the ``mlc`` scope under
mmcv's name, so every pipeline built in that scope (all dataset configs,
``inference_model``) loads images through the check.
"""
import io
import warnings
from typing import Optional, Union

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import LoadImageFromFile as MMCVLoadImageFromFile
from PIL import Image

from mlc.registry import TRANSFORMS

#: Default limit: 50 megapixels (e.g. 8660 x 5773), about 150 MB decoded.
DEFAULT_MAX_PIXELS = 50_000_000


def check_max_pixels(max_pixels: int) -> int:
    """Return ``max_pixels`` if it is a positive int, else raise."""
    if type(max_pixels) is not int or max_pixels <= 0:
        raise ValueError(f'max_pixels must be a positive integer, got '
                         f'{max_pixels!r}')
    return max_pixels


class ImageTooLargeError(ValueError):
    """An image's declared size exceeds the pixel limit."""


def pixel_limit_error(name: str, width: int, height: int,
                      max_pixels: int) -> ImageTooLargeError:
    """The one-line error of an image above the limit."""
    return ImageTooLargeError(
        f'{name}: image of {width} x {height} = {width * height / 1e6:.1f} '
        f'megapixels exceeds the limit of {max_pixels / 1e6:.1f} megapixels '
        f'(max_pixels={max_pixels}); refused before decoding (resize the '
        'image, or raise max_pixels of LoadImageFromFile / inference_model)')


def check_image_pixels(source: Union[str, bytes], name: str,
                       max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
    """Refuse an image whose declared size exceeds ``max_pixels``.

    Only the header is read (no pixel is decoded).

    Args:
        source (str | bytes): Image path or the file's bytes.
        name (str): File name for the error message.
        max_pixels (int): Largest allowed width x height.

    Raises:
        ImageTooLargeError: the image is above the limit (one line naming
            the file and the size).
        ValueError: its header is not one Pillow identifies (the size
            cannot be checked).
    """
    fp = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with warnings.catch_warnings():
            # the limit below replaces Pillow's own warning
            warnings.simplefilter('ignore', Image.DecompressionBombWarning)
            with Image.open(fp) as img:
                width, height = img.size
    except Image.DecompressionBombError as err:
        raise ImageTooLargeError(f'{name}: {err} (refused before decoding; '
                                 f'max_pixels={max_pixels})') from None
    except (OSError, SyntaxError, ValueError) as err:
        reason = ('not an image format Pillow identifies'
                  if isinstance(err, Image.UnidentifiedImageError) else
                  str(err))
        raise ValueError(f'{name}: cannot read the image header ({reason}); '
                         'its size cannot be checked against max_pixels'
                         ) from None
    if width * height > max_pixels:
        raise pixel_limit_error(name, width, height, max_pixels)


@TRANSFORMS.register_module()
class LoadImageFromFile(MMCVLoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` with a pixel limit checked on the header.

    Same keys and arguments as mmcv's transform (``img``, ``img_shape``,
    ``ori_shape``; ``to_float32``, ``color_type``, ``imdecode_backend``,
    ``backend_args``, ``ignore_empty``), plus ``max_pixels``. An image above
    the limit raises :class:`ImageTooLargeError` even with ``ignore_empty``
    (that flag is for missing or unreadable files).

    Args:
        max_pixels (int): Largest declared width x height to decode
            (default :data:`DEFAULT_MAX_PIXELS`, 50 megapixels).
        **kwargs: mmcv ``LoadImageFromFile`` arguments.
    """

    def __init__(self, max_pixels: int = DEFAULT_MAX_PIXELS,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_pixels = check_max_pixels(max_pixels)

    def _read_bytes(self, filename: str) -> bytes:
        if self.file_client_args is not None:
            client = fileio.FileClient.infer_client(self.file_client_args,
                                                    filename)
            return client.get(filename)
        return fileio.get(filename, backend_args=self.backend_args)

    def transform(self, results: dict) -> Optional[dict]:
        """Load ``results['img_path']`` into ``results['img']`` (H, W, 3)
        (or (H, W) for grayscale ``color_type``) uint8 BGR."""
        filename = results['img_path']
        try:
            img_bytes = self._read_bytes(filename)
            check_image_pixels(img_bytes, filename, self.max_pixels)
            img = mmcv.imfrombytes(img_bytes, flag=self.color_type,
                                   backend=self.imdecode_backend)
            if img is None:
                raise ValueError(f'{filename}: the image could not be '
                                 'decoded')
        except ImageTooLargeError:
            raise
        except Exception:
            if self.ignore_empty:
                return None
            raise
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{super().__repr__()[:-1]}, max_pixels={self.max_pixels})'
