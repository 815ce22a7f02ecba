"""One home per concept: per-sample state, epoch and class-statistics
protocols, hook helpers, module sizes and the import graph."""
import ast
import glob
import os.path as osp
import types

import numpy as np
import pytest
import torch
import torch.nn as nn
from mmpretrain.structures import DataSample

from mlc.engine.hooks import CoLearningCorrectionHook
from mlc.engine.hooks.model_protocols import (
    broadcast_epoch,
    stage_epoch,
    train_label_store,
)
from mlc.models.heads import SSGRLHead
from mlc.models.losses import DistributionBalancedLoss
from mlc.models.utils import (
    BranchLabelMemory,
    ClassStats,
    PerSampleState,
    PLLState,
    commit_states,
    push_training_stats,
)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _source(rel):
    with open(osp.join(ROOT, rel)) as f:
        return f.read()


def test_setup_env_does_not_import_apis():
    """mlc.apis -> mlc.utils.setup_env -> mlc.apis was an import circle."""
    tree = ast.parse(_source('mlc/utils/setup_env.py'))
    imported = {alias.name for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.startswith('mlc.apis') for name in imported)


@pytest.mark.parametrize('folder', ['mlc/engine/hooks', 'mlc/models/heads',
                                    'mlc/models/classifiers',
                                    'mlc/models/utils'])
def test_modules_stay_under_400_lines(folder):
    for path in glob.glob(osp.join(ROOT, folder, '*.py')):
        with open(path) as f:
            assert len(f.readlines()) <= 400, path


#: hooks that talk to models of the method families
FAMILY_HOOKS = ('class_stats_hook.py', 'co_learning_correction_hook.py',
                'comic_correction_hook.py', 'confidence_update_hook.py',
                'solar_prior_hook.py', 'splc_epoch_hook.py')


@pytest.mark.parametrize('name', FAMILY_HOOKS)
def test_hooks_use_the_shared_helpers_and_no_private_paths(name):
    """Only model_protocols unwraps models and finds the label store; no
    hook reads a private attribute of another object or a loss's state."""
    text = _source(f'mlc/engine/hooks/{name}')
    assert 'is_model_wrapper' not in text
    assert '.label_store' not in text
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Attribute) and node.attr.startswith('_') \
                and not node.attr.startswith('__') and not (
                    isinstance(node.value, ast.Name)
                    and node.value.id in ('self', 'cls', 'super')):
            raise AssertionError(f'{name}: private .{node.attr}')
    assert '.state.counts' not in text and '.rlc[' not in text
    assert "'random' in data_batch" not in text and '[11:]' not in text


def test_per_sample_states_share_one_base():
    memory = BranchLabelMemory(('random', 'balanced'))
    state = PLLState()
    assert isinstance(memory, PerSampleState)
    assert isinstance(state, PerSampleState)
    memory.initialize(torch.zeros(4, 2, dtype=torch.int8))
    state.initialize(torch.ones(4, 2, dtype=torch.uint8))
    model = nn.ModuleDict(dict(memory=memory, state=state))
    memory.stage_rows('balanced', torch.tensor([1, 1]),
                      torch.tensor([[1, -1], [1, 1]]))
    state.stage_rows('conf', torch.tensor([3]), torch.tensor([[1., 0.]]))
    state.stage_values(feat_mean=torch.ones(5))
    assert commit_states(model) == 2
    assert memory.balanced[1].tolist() == [1, 1]  # last writer wins
    assert memory.random.abs().sum() == 0
    assert state.conf[3].tolist() == [1., 0.]
    assert state.conf[0].tolist() == [0.5, 0.5]
    assert int(state.feat_count) == 1
    with pytest.raises(RuntimeError, match='ConfidenceUpdateHook'):
        state.stage_values(feat_mean=None)
        state.stage_values(feat_mean=None)
    # checkpoints resize an empty state (keys unchanged)
    other = nn.ModuleDict(dict(memory=BranchLabelMemory(('random',
                                                         'balanced')),
                               state=PLLState()))
    other.load_state_dict(model.state_dict())
    assert set(model.state_dict()) >= {'memory.random', 'state.conf',
                                       'state.init_mask', 'state.queue'}
    assert torch.equal(other.state.conf, state.conf)
    assert not other.state.needs_init((4, 2))
    with pytest.raises(RuntimeError, match='another training set'):
        other.memory.needs_init((5, 2))


class _EpochModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def set_epoch(self, epoch):
        self.epochs.append(epoch)


def test_epoch_protocol_counts_within_the_stage():
    model = nn.Sequential(_EpochModule(), nn.Linear(1, 1), _EpochModule())
    runner = types.SimpleNamespace(
        epoch=5, train_loop=types.SimpleNamespace(stage_start_epoch=3))
    assert len(broadcast_epoch(model, stage_epoch(runner))) == 2
    assert model[0].epochs == model[2].epochs == [2]
    assert stage_epoch(types.SimpleNamespace(epoch=4)) == 4


def test_class_stats_reach_every_consumer():
    observed = np.array([[1, -1, 0], [1, 1, -1], [0, 1, 1], [1, 0, 0]])
    stats = ClassStats.from_labels(observed)
    pos = (observed == 1).astype(np.int64)
    assert stats.class_freq.tolist() == pos.sum(0).tolist()
    assert stats.cooccurrence.tolist() == (pos.T @ pos).tolist()
    assert stats.num_samples == 4
    db = DistributionBalancedLoss(class_freq='dataset')
    fixed = DistributionBalancedLoss(class_freq=[1, 2, 3], num_samples=4)
    head = SSGRLHead(num_classes=3, in_channels=4, word_dim=2,
                     feat_channels=4, attn_channels=4, out_channels=4)
    model = nn.ModuleDict(dict(db=db, fixed=fixed, head=head))
    names = push_training_stats(model, stats)
    assert set(names) == {'db', 'fixed', 'head'}
    assert db.class_freq.tolist() == [3., 2., 1.] and db.num_samples == 4
    assert fixed.class_freq.tolist() == [1., 2., 3.]  # config wins
    assert head.cooccurrence.tolist() == (pos.T @ pos).tolist()


def test_label_store_found_through_wrappers_or_named_error():
    store = object()
    wrapped = types.SimpleNamespace(dataset=types.SimpleNamespace(
        label_store=store))
    runner = types.SimpleNamespace(
        train_dataloader=types.SimpleNamespace(dataset=wrapped))
    assert train_label_store(runner, 'X') is store
    runner.train_dataloader.dataset = types.SimpleNamespace()
    with pytest.raises(TypeError, match='X: the training dataset'):
        train_label_store(runner, 'X')


class _CoLearningStub(nn.Module):
    """The hook protocol of CoLearningClassifier, nothing else."""

    branch_names = ('random', 'balanced')
    training_split = dict(many=[0], medium=[1], few=[2])

    def __init__(self, records):
        super().__init__()
        self.records = records

    def correction_records(self):
        return self.records


def test_co_learning_hook_reads_records_not_loop_batches():
    anchors = []
    for i in range(2):
        s = DataSample(metainfo=dict(sample_idx=i, partner_sample_idx=i))
        s.set_field(torch.tensor([1., 0., 1.]), 'gt_clean',
                    dtype=torch.Tensor)
        s.set_field(torch.tensor([0., 1., 0.]), 'partner_gt_clean',
                    dtype=torch.Tensor)
        anchors.append(s)
    observed = torch.tensor([[1., -1, -1], [-1, -1, 1], [-1, 1, -1],
                             [1, -1, 1]])
    corrected = torch.tensor([[1., -1, 1], [1, -1, 1], [-1, 1, -1],
                              [0, -1, 1]])
    model = _CoLearningStub({'random': dict(
        observed=observed, corrected=corrected, samples=anchors,
        partners=True)})
    hook = CoLearningCorrectionHook()
    runner = types.SimpleNamespace(model=model, epoch=0)
    hook.before_train_epoch(runner)
    hook.after_train_iter(runner, 0, data_batch=None)
    counts = hook.counts['random']
    # added: (0, 2) and (1, 0); right: clean rows 0 and 1 are [1, 0, 1]
    assert counts[0].tolist() == [1., 0., 1.]
    assert counts[1].tolist() == [1., 0., 1.]
    # removed: (3, 0), whose clean (a partner's) is 0: right
    assert counts[3].tolist() == [1., 0., 0.]
    assert counts[4].tolist() == [1., 0., 0.]
    assert hook.partners.tolist() == [2., 2.]
