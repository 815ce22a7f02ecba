"""SPLCEpochHook: the runner's epoch drives SPLC."""
from types import SimpleNamespace

import pytest
import torch.nn as nn
from conftest import tiny_config
from mmengine.runner import Runner

from mlc.engine.hooks import SPLCEpochHook
from mlc.models.losses import SPLCLoss


def splc_config(root: str, work_dir: str, max_epochs: int = 2) -> dict:
    cfg = tiny_config(root, work_dir, max_epochs=max_epochs, val=False)
    cfg['model']['head']['loss'] = dict(type='SPLCLoss', tau=0.5)
    cfg['custom_hooks'] = [dict(type='SPLCEpochHook')]
    cfg['train_dataloader']['dataset']['indices'] = 16  # 2 iterations/epoch
    cfg['default_hooks']['checkpoint'] = dict(type='CheckpointHook',
                                              interval=10)
    return cfg


def test_hook_sets_epoch_of_every_splc_loss():
    model = nn.Sequential(nn.Linear(2, 2), SPLCLoss(), SPLCLoss())
    SPLCEpochHook().before_train_epoch(SimpleNamespace(model=model, epoch=3))
    assert [m.epoch for m in model[1:]] == [3, 3]


def test_hook_without_splc_loss_raises():
    with pytest.raises(RuntimeError, match='SPLCEpochHook'):
        SPLCEpochHook().before_train_epoch(
            SimpleNamespace(model=nn.Linear(2, 2), epoch=0))


def test_runner_epoch_reaches_the_loss(tiny_data, tmp_path):
    cfg = splc_config(tiny_data, str(tmp_path / 'run'), max_epochs=2)
    runner = Runner.from_cfg(cfg)
    runner.train()
    loss = runner.model.head.loss_module
    assert loss.epoch == 1  # 0-based: the last epoch of a 2-epoch run
    assert loss.num_pseudo is not None
    scalars = runner.message_hub.log_scalars
    assert 'train/splc_num_pseudo' in scalars
    for key in ('train/splc_pseudo_precision', 'train/splc_pseudo_recall'):
        assert 0 <= scalars[key].current() <= 1


def test_pseudo_quality_from_gt_clean():
    import torch
    from mmengine.logging import MessageHub
    from mmpretrain.structures import DataSample
    loss = SPLCLoss()
    pseudo = torch.tensor([[False, True, False], [False, False, True]])
    loss.state.update(pseudo, pseudo.sum().float())
    samples = []
    for score, clean in (([1, -1, -1], [1, 1, 1]), ([1, -1, -1], [1, 0, 0])):
        sample = DataSample().set_gt_score(torch.tensor(score).float())
        sample.set_field(torch.tensor(clean).float(), 'gt_clean')
        samples.append(sample)
    hub = MessageHub.get_instance('mlc_test_splc_quality')
    runner = SimpleNamespace(model=nn.Sequential(loss), message_hub=hub)
    SPLCEpochHook().after_train_iter(runner, 0, dict(data_samples=samples))
    # pseudo entries (0,1) missing positive, (1,2) clean negative: precision
    # 1/2; missing positives (0,1), (0,2): recall 1/2
    assert hub.get_scalar('train/splc_pseudo_precision').current() == 1 / 2
    assert hub.get_scalar('train/splc_pseudo_recall').current() == 1 / 2
