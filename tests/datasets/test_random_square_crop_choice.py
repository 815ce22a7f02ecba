"""RandomSquareCropChoice: sizes drawn uniformly, crops inside the image."""
import numpy as np
import pytest

from mlc.datasets.transforms import RandomSquareCropChoice


def test_square_crop_sizes_and_content():
    np.random.seed(0)
    img = np.arange(20 * 30).reshape(20, 30)
    crop = RandomSquareCropChoice(sizes=(8, 12))
    seen = set()
    for _ in range(40):
        out = crop.transform(dict(img=img.copy()))
        side = out['img'].shape[0]
        assert out['img'].shape == (side, side) == out['img_shape']
        top, left = divmod(int(out['img'][0, 0]), 30)
        np.testing.assert_array_equal(
            out['img'], img[top:top + side, left:left + side])
        seen.add(side)
    assert seen == {8, 12}
    with pytest.raises(ValueError, match='RandomSquareCropChoice.*larger'):
        RandomSquareCropChoice(sizes=(25, )).transform(dict(img=img))
    with pytest.raises(ValueError, match='RandomSquareCropChoice'):
        RandomSquareCropChoice(sizes=())
