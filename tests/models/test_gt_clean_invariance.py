"""No loss, head or model reads clean labels (docs/conventions.md §1).

For every main DigitMosaic config shipped in ``configs/`` (ablations, named
with a further ``_suffix``, share their components): permuting ``gt_clean``
(and, for partial-label data, the true ``gt_label``) across a training batch
leaves the losses and all gradients bit-identical.
"""
import copy
import glob
import os.path as osp

import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mlc.utils import register_all_modules

CONFIGS = sorted(p for p in glob.glob(osp.join(ROOT, 'configs', '**',
                                               '*digitmosaic*.py'),
                                      recursive=True)
                 if '_base_' not in p and osp.basename(p).count('_') == 2)


def sample_lists(data):
    """Every list of data samples in a (possibly nested) data batch."""
    if 'data_samples' in data:
        return [data['data_samples']]
    return [batch for value in data.values() if isinstance(value, dict)
            for batch in sample_lists(value)]


def loss_and_grads(model, data, seed=0):
    torch.manual_seed(seed)
    model.zero_grad()
    processed = model.data_preprocessor(copy.deepcopy(data), True)
    losses = model(**processed, mode='loss')
    total, _ = model.parse_losses(losses)
    total.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()
             if p.grad is not None}
    return total.detach(), grads


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_permuting_clean_labels_changes_nothing(path, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # configs name data/digitmosaic (built on demand)
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(path)
    cfg.work_dir = str(tmp_path)
    cfg.train_dataloader.batch_size = 8
    cfg.train_dataloader.sampler = dict(type='DefaultSampler', shuffle=False)
    cfg.log_level = 'WARNING'
    with DefaultScope.overwrite_default_scope('mlc'):
        runner = Runner.from_cfg(cfg)
        data = next(iter(runner.train_dataloader))
        loader_b = getattr(runner.train_loop, 'dataloader_b', None)
        if loader_b is not None:  # two data streams (co-learning)
            data = dict(random=data, balanced=next(iter(loader_b)))
        for hook in runner.hooks:  # mlc hooks prepare class statistics etc.
            if type(hook).__module__.startswith('mlc.'):
                hook.before_run(runner)
                hook.before_train(runner)
                hook.before_train_epoch(runner)
    model = runner.model
    model.train()
    twin = copy.deepcopy(model)  # stateful models: both passes start equal
    permuted = copy.deepcopy(data)
    changed = False
    for batch in sample_lists(permuted):
        field = 'gt_clean' if 'gt_clean' in batch[0] else 'gt_label'
        assert field in batch[0], 'training samples carry no clean labels'
        values = [s.get(field) for s in batch]
        rolled = values[1:] + values[:1]
        for sample, value in zip(batch, rolled):
            sample.set_field(value, field)
        changed |= any(not torch.equal(torch.as_tensor(a), torch.as_tensor(b))
                       for a, b in zip(values, rolled))
    assert changed
    base_loss, base_grads = loss_and_grads(model, data)
    loss, grads = loss_and_grads(twin, permuted)
    assert torch.equal(loss, base_loss)
    assert grads.keys() == base_grads.keys()
    for name, grad in grads.items():
        assert torch.equal(grad, base_grads[name]), name
