"""Checks that the data and the model of a run fit each other."""
import logging
import random
from typing import Optional, Tuple

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from mlc.registry import HOOKS


def _dataset_name(loader_name: str, dataset) -> str:
    """``train_dataloader (COCOMultiLabel, data/x/train.json)``."""
    ann = getattr(dataset, 'ann_file', '')
    where = f', {ann}' if ann else ''
    return f'{loader_name} ({type(dataset).__name__}{where})'


def _input_size(dataset) -> Optional[Tuple[int, int]]:
    """(H, W) of the first sample's packed image; the global RNG states are
    restored, so the check changes no random draw of the run."""
    states = (random.getstate(), np.random.get_state(),
              torch.get_rng_state())
    try:
        inputs = dataset[0]['inputs']
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])
        torch.set_rng_state(states[2])
    shape = getattr(inputs, 'shape', None)
    return tuple(shape[-2:]) if shape is not None and len(shape) >= 2 else None


@HOOKS.register_module()
class DataModelCheckHook(Hook):
    """Stop a run whose head and data disagree on the number of classes;
    warn when training and evaluation images reach the model at different
    sizes.

    Before training (and before testing) the head's ``num_classes`` is
    compared with the length of the data set's ``classes``; a mismatch
    raises one ``ValueError`` naming the loader, the data set type and file,
    and the value to set. Before training, the packed image size (H, W) of
    the first training sample is compared with that of the first validation
    sample (when the run validates); a difference is logged as a warning
    (e.g. random 32 px crops of images that are evaluated whole).
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        dataset = runner.train_dataloader.dataset
        self._check_classes(runner, 'train_dataloader', dataset)
        if runner.val_loop is not None:
            self._check_sizes(dataset, 'val_dataloader',
                              runner.val_dataloader.dataset)

    def before_test(self, runner) -> None:
        self._check_classes(runner, 'test_dataloader',
                            runner.test_dataloader.dataset)

    @staticmethod
    def _check_classes(runner, loader_name: str, dataset) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        num_head = getattr(getattr(model, 'head', None), 'num_classes', None)
        classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
        if num_head is None or classes is None or len(classes) == num_head:
            return
        raise ValueError(
            f'the model head has num_classes={num_head} but '
            f'{_dataset_name(loader_name, dataset)} has {len(classes)} '
            f'classes: set model.head.num_classes={len(classes)} (an '
            'own_data config takes it from the data)')

    @staticmethod
    def _check_sizes(train_set, other_name: str, other_set) -> None:
        train_size = _input_size(train_set)
        other_size = _input_size(other_set)
        if None in (train_size, other_size) or train_size == other_size:
            return
        print_log(
            f'input size mismatch: training images reach the model at '
            f'{train_size[0]}x{train_size[1]} px (H x W) but '
            f'{other_name} images at {other_size[0]}x{other_size[1]} px; '
            'resize both pipelines to the recipe\'s input size (own_data: '
            'input_size)', logger='current', level=logging.WARNING)
