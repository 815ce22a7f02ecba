"""SoLarPriorHook's default loader: the training set with the test pipeline."""
import pytest
from mmengine.config import Config

from mlc.engine.hooks import SoLarPriorHook

LOADER = dict(batch_size=4, num_workers=0,
              sampler=dict(type='DefaultSampler', shuffle=False,
                           round_up=False))


def test_default_dataset_is_train_set_with_test_pipeline():
    train = dict(type='PLLDataset', ann_file='train.json',
                 pipeline=[dict(type='RandomFlip'), dict(type='PackInputs')])
    test_pipeline = [dict(type='Resize', scale=8), dict(type='PackInputs')]
    cfg = Config(dict(
        train_dataloader=dict(dataset=train),
        test_dataloader=dict(dataset=dict(type='PLLDataset',
                                          ann_file='test.json',
                                          pipeline=test_pipeline))))
    loader = SoLarPriorHook(dict(LOADER))._resolve_loader_cfg(cfg)
    assert loader['dataset']['ann_file'] == 'train.json'
    assert loader['dataset']['pipeline'] == test_pipeline
    assert loader['sampler']['shuffle'] is False
    # the runner's config is not modified
    assert cfg.train_dataloader.dataset.pipeline[0]['type'] == 'RandomFlip'


def test_explicit_dataset_is_kept():
    own = dict(type='PLLDataset', ann_file='own.json', pipeline=[])
    loader = SoLarPriorHook(dict(LOADER, dataset=own))._resolve_loader_cfg(
        Config(dict()))
    assert loader['dataset'] == own


def test_wrapped_train_set_needs_an_explicit_dataset():
    cfg = Config(dict(
        train_dataloader=dict(dataset=dict(type='RepeatDataset', times=2,
                                           dataset=dict(type='PLLDataset'))),
        test_dataloader=dict(dataset=dict(pipeline=[]))))
    with pytest.raises(ValueError, match='explicit dataloader.dataset'):
        SoLarPriorHook(dict(LOADER))._resolve_loader_cfg(cfg)
