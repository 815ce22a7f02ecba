"""Inference on single images with an mlc model."""
from typing import Dict, List, Optional, Union

import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

from mlc.registry import MODELS, TRANSFORMS
from mlc.utils.setup_env import register_all_modules

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
        checkpoint (str, optional): Checkpoint to load (strictly).
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
        ckpt = load_checkpoint(model, checkpoint, map_location='cpu',
                               strict=True)
        model.dataset_meta = ckpt.get('meta', {}).get('dataset_meta', {})
    if not model.dataset_meta.get('classes'):
        dataset_cfg = cfg.get('test_dataloader', {}).get('dataset', {})
        classes = dataset_cfg.get('metainfo', {}).get('classes')
        if classes:
            model.dataset_meta = dict(classes=tuple(classes))
    model.cfg = cfg
    return model.to(device).eval()


def _test_pipeline(cfg: Config, from_array: bool) -> Compose:
    steps = list(cfg.test_dataloader.dataset.pipeline)
    if from_array:
        steps = [s for s in steps if s['type'] != 'LoadImageFromFile']
    with DefaultScope.overwrite_default_scope('mlc'):
        return Compose([TRANSFORMS.build(s) for s in steps])


def inference_model(model: nn.Module,
                    image: ImageType,
                    thr: float = 0.5) -> Dict[str, Union[np.ndarray, List]]:
    """Per-class scores and predicted labels of one image.

    Args:
        model (nn.Module): A model from :func:`init_model`.
        image (str | np.ndarray): Image path, or an (H, W) / (H, W, 3) uint8
            array in BGR order (as read by ``mmcv.imread``).
        thr (float): Score threshold of the predicted labels.

    Returns:
        dict: ``pred_score`` (C,) float32 sigmoid scores, ``pred_label``
        (class ids with score >= thr) and ``pred_class`` (their names when
        the model's ``dataset_meta`` has classes).
    """
    from_array = isinstance(image, np.ndarray)
    if from_array:
        img = image if image.ndim == 3 else np.repeat(image[..., None], 3, 2)
        data = dict(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2])
    else:
        data = dict(img_path=image)
    data = _test_pipeline(model.cfg, from_array)(data)
    with torch.no_grad():
        sample = model.test_step(pseudo_collate([data]))[0]
    score = sample.pred_score.float().cpu().numpy()
    labels = np.flatnonzero(score >= thr).tolist()
    classes = model.dataset_meta.get('classes')
    names = [classes[i] for i in labels] if classes else []
    return dict(pred_score=score, pred_label=labels, pred_class=names)
