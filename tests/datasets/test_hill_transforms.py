"""Cutout and RandAugmentUDA of the ASL/Hill/SPLC training pipeline."""
import numpy as np
import pytest
from PIL import Image

from mlc.datasets.transforms import Cutout, RandAugmentUDA
from mlc.datasets.transforms.rand_augment_uda import OPS
from mlc.registry import TRANSFORMS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)


def image(h=448, w=448, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3),
                                                dtype=np.uint8)


def changed_box(before, after):
    ys, xs = np.nonzero((before != after).any(-1))
    return ys.min(), ys.max() + 1, xs.min(), xs.max() + 1


def test_cutout_patch_size_and_single_colour():
    cut = Cutout(factor=0.5, fill='random_rgb')
    np.random.seed(0)
    sizes = []
    for _ in range(200):
        x1, y1, x2, y2 = cut.box(448, 448)  # PIL corners, inclusive
        assert 0 <= y1 <= y2 <= 448 and 0 <= x1 <= x2 <= 448
        assert y2 - y1 <= 224 and x2 - x1 <= 224
        sizes.append((y2 - y1, x2 - x1))
    assert (224, 224) in sizes  # centres away from the border: full patch
    np.random.seed(1)
    img = image(seed=2)
    out = cut(dict(img=img.copy()))['img']
    y1, y2, x1, x2 = changed_box(img, out)
    assert y2 - y1 <= 225 and x2 - x1 <= 225  # 2 * 112 + 1 pixels
    patch = out[y1:y2, x1:x2].reshape(-1, 3)
    assert (patch == patch[0]).all()  # one colour fills the patch
    # odd side: half = int(0.5 * 33 + 0.5) // 2 = 8
    np.random.seed(3)
    assert all(y2 - y1 <= 16 for _, y1, _, y2 in [cut.box(33, 33)
                                                 for _ in range(50)])


def test_cutout_deterministic_and_fixed_fill():
    cut = TRANSFORMS.build(dict(type='Cutout'))
    assert isinstance(cut, Cutout)  # mlc shadows mmpretrain's Cutout
    outs = []
    for _ in range(2):
        np.random.seed(7)
        outs.append(cut(dict(img=image(64, 64)))['img'])
    assert np.array_equal(*outs)
    for order, colour in (('rgb', (125, 123, 114)), ('bgr', (114, 123, 125))):
        pll = Cutout(factor=(0., 0.5), fill=(125, 123, 114),
                     channel_order=order)
        np.random.seed(4)
        img = np.zeros((32, 32, 3), np.uint8)
        out = pll(dict(img=img))['img']
        filled = out[(out != 0).any(-1)]
        assert len(filled) and (filled == colour).all()
    with pytest.raises(ValueError, match='Cutout: factor'):
        Cutout(factor=1.5)
    with pytest.raises(ValueError, match='Cutout: fill'):
        Cutout(fill='mean')
    with pytest.raises(ValueError, match='Cutout: channel_order'):
        Cutout(channel_order='hsv')


def test_rand_augment_uda_ops_and_determinism():
    aug = TRANSFORMS.build(dict(type='RandAugmentUDA'))
    assert len(OPS) == 15 and all(len(table) == 10
                                  for table, _ in OPS.values())
    img = image(48, 40)
    outs = []
    for _ in range(2):
        np.random.seed(11)
        outs.append([aug(dict(img=img.copy()))['img'] for _ in range(30)])
    for a, b in zip(*outs):
        assert np.array_equal(a, b)
        assert a.shape == img.shape and a.dtype == np.uint8
    assert any(not np.array_equal(a, img) for a in outs[0])
    # every op at the strongest level runs on the PIL image
    pil = Image.fromarray(img)
    for table, op in OPS.values():
        assert op(pil, table[9]).size == pil.size
    identity = RandAugmentUDA(prob=0.)
    assert np.array_equal(identity(dict(img=img.copy()))['img'], img)
