"""Inference on single images with an mlc model."""
import inspect
from typing import Dict, List, Optional, Union

import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import DefaultScope

from mlc.datasets.transforms.load_image import (
    DEFAULT_MAX_PIXELS,
    check_max_pixels,
    pixel_limit_error,
)
from mlc.registry import DATASETS, MODELS, TRANSFORMS
from mlc.utils.setup_env import register_all_modules
from mlc.utils.strict_load import load_checkpoint_strictly

ImageType = Union[str, np.ndarray]


def init_model(config: Union[str, Config],
               checkpoint: Optional[str] = None,
               device: Union[str, torch.device] = 'cpu',
               cfg_options: Optional[dict] = None) -> nn.Module:
    """Build a model from a config and load a checkpoint (weights-only).

    Unlike mmpretrain's ``get_model`` this builds in the ``mlc`` scope, so
    mlc components and plugins registered through ``custom_imports`` resolve.

    Args:
        config (str | Config): Config file or object.
        checkpoint (str, optional): Checkpoint to load (weights only, every
            key of the model and no other; a mismatch raises
            :class:`~mlc.utils.strict_load.CheckpointMismatchError`).
        device (str | torch.device): Device of the returned model.
        cfg_options (dict, optional): Overrides merged into the config.

    Returns:
        nn.Module: The model in eval mode with ``cfg`` and ``dataset_meta``.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    register_all_modules(init_default_scope=False)
    if cfg.get('custom_imports'):
        from mmengine.utils import import_modules_from_strings
        import_modules_from_strings(**cfg.custom_imports)
    with DefaultScope.overwrite_default_scope('mlc'):
        model = MODELS.build(cfg.model)
    model.dataset_meta = {}
    if checkpoint is not None:
        ckpt = load_checkpoint_strictly(model, checkpoint)
        model.dataset_meta = ckpt.get('meta', {}).get('dataset_meta', {})
    if not model.dataset_meta.get('classes'):
        dataset_cfg = cfg.get('test_dataloader', {}).get('dataset', {})
        classes = dataset_cfg.get('metainfo', {}).get('classes')
        if classes:
            model.dataset_meta = dict(classes=tuple(classes))
    model.cfg = cfg
    return model.to(device).eval()


def _dataset_img_size(cfg: Config) -> Optional[int]:
    """Side of the square images of the test dataset when its class declares
    one (an ``img_size`` argument, e.g. DigitMosaic), else None."""
    dataset = cfg.test_dataloader.dataset
    if 'img_size' in dataset:
        return dataset['img_size']
    if not isinstance(dataset['type'], str):
        return None
    with DefaultScope.overwrite_default_scope('mlc'):
        cls = DATASETS.get(dataset['type'])
    param = inspect.signature(cls).parameters.get('img_size') if cls else None
    return None if param is None else param.default


def _max_pixels(cfg: Config) -> int:
    """``max_pixels`` of the test pipeline's loading step, else the
    default."""
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'LoadImageFromFile':
            return step.get('max_pixels', DEFAULT_MAX_PIXELS)
    return DEFAULT_MAX_PIXELS


def _test_pipeline(cfg: Config, from_array: bool, max_pixels: int) -> Compose:
    """The test pipeline for one image: the loading step (dropped for an
    array) gets ``max_pixels``; when the test dataset has a fixed image size
    (:func:`_dataset_img_size`), a resize to it follows the loading, so the
    model sees images of the size it was trained on whatever the input."""
    steps = []
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'LoadImageFromFile':
            if from_array:
                continue
            step = dict(step, max_pixels=max_pixels)
        steps.append(step)
    size = _dataset_img_size(cfg)
    if size is not None:
        after_load = next((i + 1 for i, s in enumerate(steps)
                           if s['type'] == 'LoadImageFromFile'), 0)
        steps.insert(after_load, dict(type='Resize', scale=(size, size),
                                      interpolation='area'))
    with DefaultScope.overwrite_default_scope('mlc'):
        return Compose([TRANSFORMS.build(s) for s in steps])


def inference_model(model: nn.Module,
                    image: ImageType,
                    thr: float = 0.5,
                    max_pixels: Optional[int] = None
                    ) -> Dict[str, Union[np.ndarray, List]]:
    """Per-class scores and predicted labels of one image.

    An image file whose header declares more than ``max_pixels`` pixels (or
    an array that large) is refused before decoding. When the test dataset
    has a fixed image size (e.g. DigitMosaic's ``img_size``) the image is
    resized to it first, as the test pipeline expects images of that size.

    Args:
        model (nn.Module): A model from :func:`init_model`.
        image (str | np.ndarray): Image path, or an (H, W) / (H, W, 3) uint8
            array in BGR order (as read by ``mmcv.imread``).
        thr (float): Score threshold of the predicted labels.
        max_pixels (int, optional): Largest width x height accepted;
            default: the ``max_pixels`` of the test pipeline's
            ``LoadImageFromFile``, else 50 megapixels.

    Returns:
        dict: ``pred_score`` (C,) float32 sigmoid scores, ``pred_label``
        (class ids with score >= thr) and ``pred_class`` (their names when
        the model's ``dataset_meta`` has classes).
    """
    max_pixels = check_max_pixels(max_pixels if max_pixels is not None
                                  else _max_pixels(model.cfg))
    from_array = isinstance(image, np.ndarray)
    if from_array:
        height, width = image.shape[:2]
        if height * width > max_pixels:
            raise pixel_limit_error('image array', width, height, max_pixels)
        img = image if image.ndim == 3 else np.repeat(image[..., None], 3, 2)
        data = dict(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2])
    else:
        data = dict(img_path=image)
    data = _test_pipeline(model.cfg, from_array, max_pixels)(data)
    with torch.no_grad():
        sample = model.test_step(pseudo_collate([data]))[0]
    score = sample.pred_score.float().cpu().numpy()
    labels = np.flatnonzero(score >= thr).tolist()
    classes = model.dataset_meta.get('classes')
    names = [classes[i] for i in labels] if classes else []
    return dict(pred_score=score, pred_label=labels, pred_class=names)
