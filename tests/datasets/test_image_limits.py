"""The pixel limit of image loading: the declared size is read from the header
and an image above the limit is refused before it is decoded."""
import struct
import zlib

import mmcv
import numpy as np
import pytest
from conftest import ROOT
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope
from PIL import Image

from mlc.registry import TRANSFORMS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)


def png_header_only(path, width, height):
    """A valid PNG signature and IHDR declaring ``width x height`` RGB, with
    one tiny IDAT: a decompression bomb in miniature (decoding it would
    allocate ``3 * width * height`` bytes)."""
    def chunk(kind, data):
        body = kind + data
        return (struct.pack('>I', len(data)) + body
                + struct.pack('>I', zlib.crc32(body) & 0xffffffff))
    ihdr = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr)
                     + chunk(b'IDAT', zlib.compress(b'\0' * 64))
                     + chunk(b'IEND', b''))
    return str(path)


def build(**kwargs):
    with DefaultScope.overwrite_default_scope('mlc'):
        return TRANSFORMS.build(dict(type='LoadImageFromFile', **kwargs))


@pytest.fixture
def no_decode(monkeypatch):
    """Fail if anything decodes an image (the check must come first)."""
    def refuse(*args, **kwargs):
        raise AssertionError('the image was decoded')
    monkeypatch.setattr(mmcv, 'imfrombytes', refuse)
    monkeypatch.setattr(mmcv.transforms.loading.mmcv, 'imfrombytes', refuse)


def test_declared_size_checked_before_decoding(tmp_path, no_decode):
    # 8000 x 8000 = 64 megapixels declared in a file of ~100 bytes
    path = png_header_only(tmp_path / 'bomb.png', 8000, 8000)
    with pytest.raises(ValueError) as info:
        build()(dict(img_path=path))
    msg = str(info.value)
    assert msg.startswith(f'{path}: ') and '\n' not in msg
    assert '8000 x 8000' in msg and '64.0 megapixels' in msg
    assert 'max_pixels' in msg and '50.0' in msg


def test_limit_is_configurable(tmp_path):
    path = str(tmp_path / 'img.png')
    Image.fromarray(np.zeros((40, 50, 3), np.uint8)).save(path)
    with pytest.raises(ValueError, match=r'50 x 40 .*max_pixels=1000'):
        build(max_pixels=1000)(dict(img_path=path))
    out = build(max_pixels=2000)(dict(img_path=path))
    assert out['img'].shape == (40, 50, 3) and out['ori_shape'] == (40, 50)
    with pytest.raises(ValueError, match='max_pixels must be a positive'):
        build(max_pixels=0)


def test_not_an_image_named(tmp_path):
    path = tmp_path / 'x.png'
    path.write_bytes(b'not an image at all')
    with pytest.raises(ValueError, match=r'x.png: cannot read the image '
                       'header'):
        build()(dict(img_path=str(path)))


def test_base_dataset_configs_load_with_the_limit():
    cfg = Config.fromfile(f'{ROOT}/configs/_base_/datasets/coco2017.py')
    with DefaultScope.overwrite_default_scope('mlc'):
        pipeline = Compose(cfg.test_pipeline)
    step = pipeline.transforms[0]
    assert type(step).__module__.startswith('mlc.')
    assert step.max_pixels == 50_000_000


def test_ignore_empty_does_not_hide_the_limit(tmp_path, no_decode):
    path = png_header_only(tmp_path / 'bomb.png', 8000, 8000)
    with pytest.raises(ValueError, match='exceeds the limit'):
        build(ignore_empty=True)(dict(img_path=path))
    assert build(ignore_empty=True)(dict(img_path=str(tmp_path / 'no'))) \
        is None


def test_same_pixels_as_mmcv(tmp_path):
    path = str(tmp_path / 'img.jpg')
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (30, 20, 3), np.uint8)).save(path)
    ours = build(to_float32=True)(dict(img_path=path))
    ref = mmcv.transforms.LoadImageFromFile(to_float32=True)(
        dict(img_path=path))
    np.testing.assert_array_equal(ours['img'], ref['img'])
    assert ours['img_shape'] == ref['img_shape'] == (30, 20)


# ------------------------------------------------------------ inference_model
@pytest.fixture(scope='module')
def digit_model():
    from mlc.apis import init_model
    torch = pytest.importorskip('torch')
    torch.manual_seed(0)
    return init_model(
        f'{ROOT}/configs/baselines/bce_r18_digitmosaic-pl40.py')


def test_inference_refuses_bomb_before_decoding(tmp_path, digit_model,
                                                no_decode):
    from mlc.apis import inference_model
    path = png_header_only(tmp_path / 'bomb.png', 8000, 8000)
    with pytest.raises(ValueError, match=r'bomb.png: image of 8000 x 8000'):
        inference_model(digit_model, path)
    with pytest.raises(ValueError, match=r'image array: image of 40 x 30 .*'
                       r'max_pixels=1000\)'):
        inference_model(digit_model, np.zeros((30, 40, 3), np.uint8),
                        max_pixels=1000)


def test_inference_resizes_to_the_dataset_size(tmp_path, digit_model):
    """A large image is resized to DigitMosaic's 32 x 32 before the network
    (a 4000 x 4000 input ran the network at full size: 71 s, 5.9 GB)."""
    from mlc.apis import inference_model
    rng = np.random.default_rng(0)
    big = rng.integers(0, 255, (320, 320, 3), np.uint8)
    small = mmcv.imresize(big, (32, 32), interpolation='area')
    expected = inference_model(digit_model, small)['pred_score']
    np.testing.assert_allclose(
        inference_model(digit_model, big)['pred_score'], expected, rtol=1e-5,
        atol=1e-6)
    path = str(tmp_path / 'big.png')
    Image.fromarray(big[..., ::-1]).save(path)
    np.testing.assert_allclose(
        inference_model(digit_model, path)['pred_score'], expected,
        rtol=1e-5, atol=1e-6)
