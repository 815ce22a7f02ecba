"""Augmentations against the authors' code, re-done here on fixed images
with PIL/torchvision directly: the pip ``randaugment`` RandAugment of
ASL/Hill/SPLC, their CutoutPIL, the PLL strong-view Cutout (CutoutAbs),
the PLL weak view (torchvision ColorJitter/RandomGrayscale on PIL) and the
PIL resizes of the Hill/SPLC, PU-MLC and PLL pipelines. The references
draw from numpy's global RNG in the order the transforms document (the
code's Python ``random`` calls mapped one to one)."""
import os.path as osp
import random

import numpy as np
import pytest
import torchvision.transforms.functional as TF
from mmengine.config import Config
from mmengine.registry import DefaultScope
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from mlc.datasets.transforms import (
    Cutout,
    PILColorJitter,
    PILRandomGrayscale,
    RandAugmentUDA,
    RandomAugmentPLL,
)
from mlc.registry import TRANSFORMS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)
ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def photo(h, w, seed=0):
    """A smooth colour image with texture (exercises every op)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 / w, y * 255 / h, (x + y) * 127 / (h + w)], -1)
    return np.clip(base + rng.normal(0, 20, (h, w, 3)), 0,
                   255).astype(np.uint8)


def rgb_pil(arr):
    return Image.fromarray(np.ascontiguousarray(arr))


def assert_matches_reference(transform, reference, rgb, order, seeds):
    """``transform`` of the (H, W, 3) uint8 RGB image ``rgb`` given in
    channel ``order`` equals ``reference`` (PIL image -> PIL image) of it
    after the same numpy seed, for each of ``seeds`` seeds."""
    arr = rgb[..., ::-1].copy() if order == 'bgr' else rgb
    for seed in range(seeds):
        np.random.seed(seed)
        out = transform(dict(img=arr.copy()))['img']
        np.random.seed(seed)
        ref = np.asarray(reference(rgb_pil(rgb)))
        ref = ref[..., ::-1] if order == 'bgr' else ref
        np.testing.assert_array_equal(out, ref, err_msg=f'seed {seed}')


# ---------------------------------------------------------------- UDA
def package_rand_augment(img: Image.Image) -> Image.Image:
    """The pip ``randaugment`` 1.0.2 ``RandAugment`` (SubPolicy tables of
    10 magnitudes, levels 1..9, p = 0.5), with numpy draws."""
    ranges = {
        'shearx': np.linspace(0, 0.3, 10), 'sheary': np.linspace(0, 0.3, 10),
        'translatex': np.linspace(0, 150 / 331, 10),
        'translatey': np.linspace(0, 150 / 331, 10),
        'rotate': np.linspace(0, 30, 10), 'color': np.linspace(0., 0.9, 10),
        'posterize': np.round(np.linspace(8, 4, 10), 0).astype(int),
        'solarize': np.linspace(256, 0, 10),
        'contrast': np.linspace(0., 0.9, 10),
        'sharpness': np.linspace(0., 0.9, 10),
        'brightness': np.linspace(0., 0.9, 10),
        'autocontrast': [0] * 10, 'equalize': [0] * 10, 'invert': [0] * 10,
        'cutout': np.round(np.linspace(0, 20, 10), 0).astype(int)}
    fill = (128, 128, 128)

    def choice():
        return [-1, 1][int(np.random.random() >= 0.5)]

    def rotate_with_fill(im, m):
        rot = im.convert('RGBA').rotate(m)
        return Image.composite(rot, Image.new('RGBA', rot.size, (128, ) * 4),
                               rot).convert(im.mode)

    def cutout(im, size):
        im = im.copy()
        hh, ww = im.size  # the package's names: "height" is the width
        hl = np.random.randint(low=0, high=hh)
        wl = np.random.randint(low=0, high=ww)
        up = (max(0, hl - size // 2), max(0, wl - size // 2))
        lo = (min(hh, hl + size // 2), min(ww, wl + size // 2))
        px = im.load()
        for i in range(up[0], lo[0]):
            for j in range(up[1], lo[1]):
                px[i, j] = (125, 122, 113, 0)
        return im

    func = {
        'shearx': lambda im, m: im.transform(
            im.size, Image.AFFINE, (1, m * choice(), 0, 0, 1, 0),
            Image.BICUBIC, fillcolor=fill),
        'sheary': lambda im, m: im.transform(
            im.size, Image.AFFINE, (1, 0, 0, m * choice(), 1, 0),
            Image.BICUBIC, fillcolor=fill),
        'translatex': lambda im, m: im.transform(
            im.size, Image.AFFINE, (1, 0, m * im.size[0] * choice(), 0, 1,
                                    0), fillcolor=fill),
        'translatey': lambda im, m: im.transform(
            im.size, Image.AFFINE, (1, 0, 0, 0, 1,
                                    m * im.size[1] * choice()),
            fillcolor=fill),
        'rotate': rotate_with_fill,
        'color': lambda im, m: ImageEnhance.Color(im).enhance(
            1 + m * choice()),
        'posterize': lambda im, m: ImageOps.posterize(im, int(m)),
        'solarize': lambda im, m: ImageOps.solarize(im, m),
        'contrast': lambda im, m: ImageEnhance.Contrast(im).enhance(
            1 + m * choice()),
        'sharpness': lambda im, m: ImageEnhance.Sharpness(im).enhance(
            1 + m * choice()),
        'brightness': lambda im, m: ImageEnhance.Brightness(im).enhance(
            1 + m * choice()),
        'autocontrast': lambda im, m: ImageOps.autocontrast(im),
        'equalize': lambda im, m: ImageOps.equalize(im),
        'invert': lambda im, m: ImageOps.invert(im),
        'cutout': cutout}
    names = ['Invert', 'Cutout', 'Sharpness', 'AutoContrast', 'Posterize',
             'ShearX', 'TranslateX', 'TranslateY', 'ShearY', 'Rotate',
             'Equalize', 'Contrast', 'Color', 'Solarize', 'Brightness']
    policy = []
    for _ in range(2):
        name = names[np.random.randint(15)].lower()
        policy.append((name, ranges[name][np.random.randint(1, 10)]))
    for name, magnitude in policy:
        if np.random.random() < 0.5:
            img = func[name](img, magnitude)
    return img


@pytest.mark.parametrize('channel_order', ['bgr', 'rgb'])
def test_rand_augment_uda_matches_package(channel_order):
    aug = TRANSFORMS.build(dict(type='RandAugmentUDA',
                                channel_order=channel_order))
    assert_matches_reference(aug, package_rand_augment, photo(40, 48),
                             channel_order, seeds=300)


def test_rand_augment_uda_strongest_levels():
    """Level 9 is the full range: Posterize 4 bits, Solarize 0, Cutout 20 px
    of colour (125, 122, 113); hand-computed outputs."""
    from mlc.datasets.transforms.rand_augment_uda import OPS
    assert list(OPS['Posterize'][0][1:]) == [8, 7, 7, 6, 6, 5, 5, 4, 4]
    assert list(OPS['Cutout'][0][1:]) == [2, 4, 7, 9, 11, 13, 16, 18, 20]
    assert OPS['Solarize'][0][9] == 0 and OPS['Rotate'][0][9] == 30
    assert OPS['ShearX'][0][9] == pytest.approx(0.3)
    assert OPS['TranslateX'][0][9] == pytest.approx(150 / 331)
    assert OPS['Color'][0][9] == pytest.approx(0.9)
    px = Image.new('RGB', (1, 1), (0b10110111, 3, 255))
    post = OPS['Posterize'][1](px, OPS['Posterize'][0][9])
    assert post.getpixel((0, 0)) == (0b10110000, 0, 240)
    sol = OPS['Solarize'][1](px, OPS['Solarize'][0][9])
    assert sol.getpixel((0, 0)) == (255 - 0b10110111, 252, 0)
    np.random.seed(0)
    grey = Image.new('RGB', (64, 64), (7, 7, 7))
    cut = np.asarray(OPS['Cutout'][1](grey, OPS['Cutout'][0][9]))
    hit = (cut != 7).any(-1)
    assert hit.sum() == 20 * 20
    assert (cut[hit] == (125, 122, 113)).all()
    with pytest.raises(ValueError, match='RandAugmentUDA: channel_order'):
        RandAugmentUDA(channel_order='hsv')


# ---------------------------------------------------------------- Cutout
def cutout_pil(img: Image.Image, factor=0.5) -> Image.Image:
    """ASL/Hill ``CutoutPIL`` (colour drawn with numpy)."""
    draw = ImageDraw.Draw(img)
    h, w = img.size[0], img.size[1]
    h_cut, w_cut = int(factor * h + 0.5), int(factor * w + 0.5)
    y_c, x_c = np.random.randint(h), np.random.randint(w)
    y1, y2 = np.clip(y_c - h_cut // 2, 0, h), np.clip(y_c + h_cut // 2, 0, h)
    x1, x2 = np.clip(x_c - w_cut // 2, 0, w), np.clip(x_c + w_cut // 2, 0, w)
    colour = tuple(int(c) for c in np.random.randint(0, 256, 3))
    draw.rectangle([x1, y1, x2, y2], fill=colour)
    return img


def cutout_abs(img: Image.Image) -> Image.Image:
    """PiCO/RECORDS ``Cutout(img, random.random() * 0.5)`` (numpy draws)."""
    v = np.random.random() * 0.5
    if v <= 0.:
        return img
    v = v * img.size[0]
    w, h = img.size
    x0, y0 = np.random.uniform(w), np.random.uniform(h)
    x0, y0 = int(max(0, x0 - v / 2.)), int(max(0, y0 - v / 2.))
    x1, y1 = min(w, x0 + v), min(h, y0 + v)
    img = img.copy()
    ImageDraw.Draw(img).rectangle((x0, y0, x1, y1), (125, 123, 114))
    return img


def test_cutout_matches_cutout_pil():
    rgb = photo(448, 448)
    cut = Cutout(factor=0.5, fill='random_rgb', channel_order='rgb')
    sides = set()
    for seed in range(40):
        np.random.seed(seed)
        out = cut(dict(img=rgb.copy()))['img']
        np.random.seed(seed)
        ref = np.asarray(cutout_pil(rgb_pil(rgb)))
        np.testing.assert_array_equal(out, ref, err_msg=f'seed {seed}')
        rows = np.nonzero((out != rgb).any(-1).any(1))[0]
        sides.add(rows.max() - rows.min() + 1)
    assert max(sides) == 225  # PIL's inclusive corners: 2 * 112 + 1


def test_pll_cutout_matches_cutout_abs_and_erased_area():
    for order in ('rgb', 'bgr'):
        cut = TRANSFORMS.build(dict(type='Cutout', factor=(0., 0.5),
                                    fill=(125, 123, 114),
                                    channel_order=order))
        assert_matches_reference(cut, cutout_abs, photo(32, 32), order,
                                 seeds=200)
    # erased fraction: the code shifts a border box inward (8.3 % on
    # average at 32^2) where clipping it would erase 6.2 %
    zeros = np.zeros((32, 32, 3), np.uint8)
    cut = Cutout(factor=(0., 0.5), fill=(255, 255, 255), channel_order='rgb')
    np.random.seed(0)
    area = np.mean([(cut(dict(img=zeros))['img'] > 0).any(-1).mean()
                    for _ in range(6000)])
    assert area == pytest.approx(0.083, abs=0.003)


# ---------------------------------------------------------------- PLL
def test_random_augment_pll_runs_on_rgb():
    """Color/Contrast weigh channels by luma: a BGR array gives the BGR of
    the RGB result."""
    rgb = photo(32, 32, seed=3)
    aug = RandomAugmentPLL(num_ops=3, channel_order='rgb')
    aug_bgr = RandomAugmentPLL(num_ops=3, channel_order='bgr')
    for seed in range(100):
        np.random.seed(seed)
        a = aug(dict(img=rgb.copy()))['img']
        np.random.seed(seed)
        b = aug_bgr(dict(img=rgb[..., ::-1].copy()))['img']
        np.testing.assert_array_equal(a, b[..., ::-1])
    img = rgb_pil(rgb)
    np.random.seed(5)  # 3 ops first, then their magnitudes (as the code)
    from mlc.datasets.transforms.random_augment_pll import OPS
    ops = [OPS[np.random.randint(14)] for _ in range(3)]
    for _, op, low, high in ops:
        img = op(img, low + (high - low) * np.random.random())
    np.random.seed(5)
    np.testing.assert_array_equal(aug(dict(img=rgb.copy()))['img'],
                                  np.asarray(img))


def test_weak_view_colour_jitter_matches_torchvision():
    rgb = photo(32, 32, seed=1)
    jit = PILColorJitter(0.4, 0.4, 0.4, 0.1, channel_order='bgr')
    for seed in range(200):
        np.random.seed(seed)
        out = jit(dict(img=rgb[..., ::-1].copy()))['img'][..., ::-1]
        np.random.seed(seed)
        order = np.random.permutation(4)
        b, c, s = (np.random.uniform(0.6, 1.4) for _ in range(3))
        h = np.random.uniform(-0.1, 0.1)
        ref = rgb_pil(rgb)
        for i in order:
            ref = [TF.adjust_brightness, TF.adjust_contrast,
                   TF.adjust_saturation, TF.adjust_hue][i](
                       ref, (b, c, s, h)[i])
        np.testing.assert_array_equal(out, np.asarray(ref),
                                      err_msg=f'seed {seed}')
    with pytest.raises(ValueError, match='PILColorJitter: hue'):
        PILColorJitter(hue=0.6)


def test_weak_view_grayscale_uses_luma():
    rgb = photo(16, 16, seed=2)
    rgb[0, :3] = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    grey = PILRandomGrayscale(prob=1., channel_order='rgb')
    out = grey(dict(img=rgb.copy()))['img']
    # ITU-R 601-2: 0.299 * 255 = 76.2, 0.587 * 255 = 149.7, 0.114 * 255 = 29.1
    assert out[0, :3, 0].tolist() == [76, 150, 29]
    ref = np.asarray(TF.rgb_to_grayscale(rgb_pil(rgb), 3))
    np.testing.assert_array_equal(out, ref)
    bgr = PILRandomGrayscale(prob=1., channel_order='bgr')
    np.testing.assert_array_equal(
        bgr(dict(img=rgb[..., ::-1].copy()))['img'], ref)
    np.random.seed(0)
    kept = [np.array_equal(PILRandomGrayscale(0.2, 'rgb')(
        dict(img=rgb.copy()))['img'], rgb) for _ in range(2000)]
    assert 1 - np.mean(kept) == pytest.approx(0.2, abs=0.03)
    random.seed(0)  # Python's RNG is not used: same result whatever it is
    np.random.seed(1)
    a = grey(dict(img=rgb.copy()))['img']
    random.seed(99)
    np.random.seed(1)
    assert np.array_equal(a, grey(dict(img=rgb.copy()))['img'])


# ---------------------------------------------------------------- resizes
def pipeline(path, key='train_dataloader'):
    cfg = Config.fromfile(osp.join(ROOT, path))
    return cfg[key].dataset.pipeline


def step(steps, name):
    return [s for s in steps if s['type'] == name]


@pytest.mark.parametrize('path,key,interp', [
    ('configs/hill/hill_r50_coco2014-0.4left.py', 'train_dataloader',
     Image.BILINEAR),
    ('configs/splc/splc_r50_nus-wide-single.py', 'test_dataloader',
     Image.BILINEAR),
    ('configs/baselines/asl_r50_coco2014-single.py', 'train_dataloader',
     Image.BILINEAR),
    ('configs/pu_mlc/pu-mlc_r101-lgc_coco2014-p0.1.py', 'train_dataloader',
     Image.BICUBIC),
    ('configs/pu_mlc/pu-mlc_r101-lgc_voc2007-p0.1.py', 'test_dataloader',
     Image.BICUBIC),
    ('configs/pll/corr_r18_pll-voc.py', 'train_dataloader',
     Image.BILINEAR),
])
def test_config_resizes_are_pil(path, key, interp):
    """Every Resize of these pipelines is PIL's (antialiased) resize: a
    700 x 530 BGR photo equals PIL/torchvision on the RGB image."""
    resizes = step(pipeline(path, key), 'Resize')
    assert resizes
    bgr = photo(530, 700)[..., ::-1].copy()
    for cfg in resizes:
        w, h = cfg['scale']
        out = TRANSFORMS.build(cfg)(dict(img=bgr.copy()))['img']
        ref = rgb_pil(bgr[..., ::-1]).resize((w, h), interp)
        np.testing.assert_array_equal(out[..., ::-1], np.asarray(ref))
        tv = TF.resize(rgb_pil(bgr[..., ::-1]), [h, w],
                       interpolation=TF.InterpolationMode(
                           'bilinear' if interp == Image.BILINEAR else
                           'bicubic'))
        np.testing.assert_array_equal(out[..., ::-1], np.asarray(tv))


@pytest.mark.parametrize('path,order', [
    ('configs/pll/records-corr_r18_cifar10-lt-r100-q0.3.py', 'rgb'),
    ('configs/pll/solar_r18_cifar100-lt-r100-q0.05.py', 'rgb'),
    ('configs/pll/corr_r18_pll-voc.py', 'bgr'),
    ('configs/pll/corr_r18_digitmosaic-pll.py', 'bgr'),
])
def test_pll_views_use_pil_ops_in_the_array_order(path, order):
    steps = pipeline(path)
    views = step(steps, 'MultiView')[0]['transforms']
    flat = [t for view in views for t in view]
    flat += [t for s in flat if s['type'] == 'RandomApply'
             for t in s['transforms']]
    names = {t['type'] for t in flat}
    assert not names & {'ColorJitter', 'RandomGrayscale'}
    for t in flat:
        if t['type'] in ('PILColorJitter', 'PILRandomGrayscale',
                         'RandomAugmentPLL', 'Cutout'):
            assert t['channel_order'] == order, t
        if t['type'] == 'RandomResizedCrop':
            assert t['backend'] == 'pillow'
        if t['type'] == 'PILColorJitter':
            assert t['hue'] == 0.1
    np.random.seed(0)  # the views run (in the mlc scope, as in training)
    with DefaultScope.overwrite_default_scope('mlc'):
        for view in views:
            img = photo(40, 40)
            for t in view:
                img = TRANSFORMS.build(t)(dict(img=img))['img']
            assert img.dtype == np.uint8 and img.shape[2] == 3


@pytest.mark.parametrize('cfg,match', [
    (dict(type='PILRandomGrayscale', prob=1.5),
     r'^PILRandomGrayscale: prob must be in \[0, 1\], got 1.5$'),
    (dict(type='RandAugmentUDA', prob=-0.1),
     r'^RandAugmentUDA: prob must be in \[0, 1\], got -0.1$'),
    (dict(type='RandAugmentUDA', num_ops=-1),
     r'^RandAugmentUDA: num_ops must be >= 0, got -1$'),
    (dict(type='RandomAugmentPLL', num_ops=-2),
     r'^RandomAugmentPLL: num_ops must be >= 0, got -2$'),
])
def test_bad_augmentation_arguments_named(cfg, match):
    with pytest.raises(ValueError, match=match):
        TRANSFORMS.build(cfg)
