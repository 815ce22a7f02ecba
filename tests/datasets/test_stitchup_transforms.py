"""PhotoMetricDistortion and RelativeRandomCrop (Stitch-Up / DB recipe)."""
import numpy as np
import pytest

from mlc.datasets.transforms import PhotoMetricDistortion, RelativeRandomCrop


def test_relative_crop_bounds():
    np.random.seed(0)
    crop = RelativeRandomCrop(min_crop=0.8, aspect=(0.5, 2.0))
    for _ in range(50):
        out = crop(dict(img=np.zeros((100, 60, 3), np.uint8)))
        h, w = out['img'].shape[:2]
        assert 79 <= h <= 100 and 47 <= w <= 60
        assert out['img_shape'] == (h, w)
    # impossible aspect: the image is kept whole
    whole = RelativeRandomCrop(aspect=(5, 6))(dict(img=np.zeros((10, 10, 3))))
    assert whole['img'].shape == (10, 10, 3)
    with pytest.raises(ValueError, match='min_crop'):
        RelativeRandomCrop(min_crop=0)


def test_photometric_distortion_identity_ranges_keep_image():
    np.random.seed(1)
    img = np.random.randint(0, 255, (8, 9, 3)).astype(np.uint8)
    out = PhotoMetricDistortion(brightness_delta=0, contrast_range=(1, 1),
                                saturation_range=(1, 1), hue_delta=0)(
                                    dict(img=img.copy()))['img']
    assert out.dtype == np.float32
    # only a channel permutation may remain
    assert any(np.allclose(out, img[..., p], atol=1e-2)
               for p in ([0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0],
                         [2, 0, 1], [2, 1, 0]))
    changed = PhotoMetricDistortion()(dict(img=img.copy()))['img']
    assert changed.shape == img.shape
