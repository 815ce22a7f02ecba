"""Shared fixtures: a tiny on-disk multi-label dataset and a fast config."""
import json
import os
import os.path as osp
import sys

import numpy as np
import pytest
from _helpers import resnet_cifar, unit_preprocessor
from PIL import Image

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


@pytest.fixture(autouse=True)
def _restore_torch_threads():
    """A test that pins torch's thread count does not leak it: runs
    compared bit for bit across processes need the same count."""
    import torch
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def one_thread():
    """One intra-op thread: on the shared 2-core machine two threads
    oversubscribe and small convolutions get ~20x slower (the count is
    restored by ``_restore_torch_threads``)."""
    import torch
    torch.set_num_threads(1)


@pytest.fixture(autouse=True, scope='session')
def _unformatted_config_text():
    """In the test processes, ``Config.pretty_text`` (a run's config log
    and dump, every checkpoint's meta) skips yapf's cosmetic reformatting:
    it was ~40% of the CPU time of a tiny in-process run. The text stays
    the same valid Python; runs of the tools in a subprocess still format
    it."""
    from mmengine.config import config as mmengine_config
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mmengine_config, 'FormatCode',
                      lambda text, **kwargs: (text, False))
        yield


SHARED_DATA = osp.join(osp.dirname(ROOT), 'shared', 'data')
sys.path.insert(0, ROOT)


def make_tiny_dataset(root: str, num: int = 40, num_classes: int = 4,
                      seed: int = 0, size: int = 16,
                      split: str = 'train') -> str:
    """Write ``num`` random images and a standard annotation file.

    Class c is drawn as a bright square in quadrant c % 4, so the task is
    learnable. Half of the non-listed entries are unknown (-1) in train.

    Returns:
        str: Path of the annotation JSON.
    """
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, 'images', split), exist_ok=True)
    data_list = []
    for i in range(num):
        labels = rng.random(num_classes) < 0.4
        labels[rng.integers(num_classes)] = True
        img = rng.integers(0, 60, (size, size, 3), dtype=np.uint8)
        half = size // 2
        for c in np.flatnonzero(labels):
            y, x = divmod(c % 4, 2)
            img[y * half:(y + 1) * half, x * half:(x + 1) * half] += 150
        name = f'{split}/{i:05d}.png'
        Image.fromarray(img).save(osp.join(root, 'images', name))
        pos = np.flatnonzero(labels).tolist()
        entry = dict(img_path=name, pos=pos, neg=[], clean_pos=pos)
        if split == 'train':
            keep = rng.random(len(pos)) < 0.7
            keep[0] = True
            entry['pos'] = [p for p, k in zip(pos, keep) if k]
            others = [c for c in range(num_classes) if c not in pos]
            entry['neg'] = [c for c in others if rng.random() < 0.5]
        data_list.append(entry)
    ann = dict(metainfo=dict(classes=[f'c{i}' for i in range(num_classes)],
                             task='multilabel',
                             unlisted=-1 if split == 'train' else 0),
               data_list=data_list)
    path = osp.join(root, f'{split}.json')
    with open(path, 'w') as f:
        json.dump(ann, f)
    return path


def tiny_config(root: str, work_dir: str, max_epochs: int = 2,
                num_classes: int = 4, val: bool = True) -> dict:
    """A complete run config (as a dict) on the tiny dataset of ``root``."""
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='PackInputs', algorithm_keys=('gt_clean', ))]

    def loader(split: str, shuffle: bool) -> dict:
        return dict(
            batch_size=8, num_workers=0, persistent_workers=False,
            sampler=dict(type='DefaultSampler', shuffle=shuffle),
            dataset=dict(type='MLCDataset', data_root=root,
                         ann_file=f'{split}.json', data_prefix='images',
                         pipeline=pipeline))

    cfg = dict(
        default_scope='mlc',
        work_dir=work_dir,
        model=dict(
            type='ImageClassifier',
            data_preprocessor=unit_preprocessor(),
            backbone=resnet_cifar(18, 8),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='MLCLinearHead', num_classes=num_classes,
                      in_channels=64, loss=dict(type='MaskedBCELoss'))),
        train_dataloader=loader('train', True),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05,
                                          momentum=0.9)),
        param_scheduler=[dict(type='MultiStepLR', by_epoch=True,
                              milestones=[1, 3], gamma=0.5)],
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs,
                       val_interval=1),
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=1),
            logger=dict(type='LoggerHook', interval=1)),
        randomness=dict(seed=0, deterministic=True),
        env_cfg=dict(dist_cfg=dict(backend='gloo')),
        log_level='WARNING',
    )
    if val:
        cfg.update(val_dataloader=loader('test', False),
                   val_evaluator=dict(type='MLCAveragePrecision',
                                      prefix='test_monitor'),
                   val_cfg=dict(),
                   test_dataloader=loader('test', False),
                   test_evaluator=dict(type='MLCAveragePrecision'),
                   test_cfg=dict())
    return cfg


@pytest.fixture
def tiny_data(tmp_path):
    """Root of a tiny train/test dataset (40 train, 37 test images)."""
    root = str(tmp_path / 'tiny')
    make_tiny_dataset(root, num=40, split='train', seed=0)
    make_tiny_dataset(root, num=37, split='test', seed=1)
    return root


@pytest.fixture
def shared_data():
    """Path of ../shared/data; skips the test where it is absent."""
    if not osp.isdir(SHARED_DATA):
        pytest.skip(f'published annotation files not found at {SHARED_DATA}')
    return SHARED_DATA
