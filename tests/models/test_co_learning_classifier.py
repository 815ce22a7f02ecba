"""CoLearningClassifier, Stitch-Up loss and correction."""
import copy
import math

import pytest
import torch
from _helpers import co_learning_model_cfg, resnet_cifar
from mmpretrain.structures import DataSample

from mlc.models import MaskedBCELoss
from mlc.models.utils.stitchup import (
    correct_labels,
    label_union,
    splice_images,
    stitchup_loss_parts,
)
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=True)
C = 3


def model_cfg(stitch='feature_avg', correction=True, **kwargs):
    return co_learning_model_cfg(
        C, 8, 1., dict(type='DistributionBalancedLoss', class_freq=[5, 3, 2],
                       num_samples=8),
        stitch=stitch, correction=correction, **kwargs)


def build(**kwargs):
    torch.manual_seed(0)
    model = MODELS.build(model_cfg(**kwargs))
    model.init_weights()
    return model


def samples(y, partner_y=None, clean=None):
    out = []
    for i, row in enumerate(y):
        s = DataSample().set_gt_score(torch.tensor(row, dtype=torch.float32))
        s.set_metainfo(dict(sample_idx=i))
        if partner_y is not None:
            s.set_field(torch.tensor(partner_y[i], dtype=torch.float32),
                        'partner_gt_score', dtype=torch.Tensor)
            s.set_metainfo(dict(partner_sample_idx=i + 1))
        if clean is not None:
            s.set_field(torch.tensor(clean[i], dtype=torch.float32),
                        'gt_clean', dtype=torch.Tensor)
        out.append(s)
    return out


def test_stitchup_mask_hand_values():
    y1 = torch.tensor([[1., 0., 0.]])
    y2 = torch.tensor([[0., 1., 0.]])
    union = label_union(y1, y2)
    assert union.tolist() == [[1., 1., 0.]]
    z_s = torch.tensor([[2., -1., 0.]])
    z_1 = torch.tensor([[0., 0., 1.]])
    z_2 = torch.tensor([[0., 0., -1.]])
    pos, neg = stitchup_loss_parts(MaskedBCELoss(), z_s, z_1, z_2, y1, y2,
                                   union)
    # entries 0.126928, 1.313262, 0.813262; mean 0.751150
    assert math.isclose(pos.item() * 3, 0.126928 + 1.313262, abs_tol=1e-5)
    assert math.isclose(neg.item() * 3, 0.813262, abs_tol=1e-5)
    assert math.isclose((pos + neg).item(), 0.751150, abs_tol=1e-6)
    assert label_union(torch.tensor([[0., -1., -1.]]),
                       torch.tensor([[0., 0., 1.]])).tolist() == [[0, -1, 1]]


def test_correction_rule_and_group_thresholds():
    y = torch.tensor([[0., 1., 1.]])
    p = torch.tensor([[0.95, 0.5, 0.05]])
    alpha = torch.tensor([0.9, 1.0, 1.0])
    beta = torch.tensor([0., 0., 0.1])
    assert correct_labels(y, p, alpha, beta).tolist() == [[1., 1., 0.]]
    model = build(thresholds=dict(balance_head_alpha=0.9,
                                  balance_tail_beta=0.1,
                                  random_medium_alpha=0.6),
                  training_split=dict(head=[0], middle=[1], tail=[2]))
    assert model.training_split is None  # read when training starts
    model.set_training_split(model.training_split_cfg)
    # R's labels use the balance_* thresholds, B's the random_* ones
    assert model.alpha_random.tolist() == pytest.approx([0.9, 1., 1.])
    assert model.beta_random.tolist() == pytest.approx([0., 0., 0.1])
    assert model.alpha_balanced.tolist() == pytest.approx([1., 0.6, 1.])
    with pytest.raises(KeyError, match='unknown threshold'):
        build(thresholds=dict(random_head_alpah=0.9))
    with pytest.raises(ValueError, match='exactly one'):
        model.set_training_split(dict(head=[0], middle=[1], tail=[]))


def test_peer_pass_keeps_train_mode_and_builds_no_graph():
    model = build().train()
    feats = model.trunk(torch.randn(2, 3, 16, 16))[-1]
    prob = model.peer_probs('balanced', feats)
    assert not prob.requires_grad and prob.grad_fn is None
    assert model.branches['balanced'].neck.training
    assert model.branches['balanced'].neck.drop.training
    assert all(m.training for m in model.branches['balanced'].modules())
    # eval-mode peer pass equals the branch's own eval forward
    model.eval()
    ref = torch.sigmoid(model.logits('balanced', model.embed('balanced',
                                                             feats)))
    torch.testing.assert_close(prob, ref)


def test_shared_trunk_equals_two_full_backbones():
    model = build().eval()
    x = torch.randn(3, 3, 16, 16)
    fused, per = model.branch_logits(x)
    for name in ('random', 'balanced'):
        full = MODELS.build(resnet_cifar(18, 4))
        full.eval()
        state = {k: v for k, v in model.trunk.state_dict().items()}
        state.update({f'layer4.{k}': v for k, v in
                      model.branches[name].layer4.state_dict().items()})
        full.load_state_dict(state)
        emb = model.branches[name].neck(full(x))[0]
        torch.testing.assert_close(model.branches[name].head((emb, )),
                                   per[name])
    # layer4 copies start equal
    a = model.branches['random'].layer4.state_dict()
    b = model.branches['balanced'].layer4.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    torch.testing.assert_close(fused,
                               0.1 * per['random'] + 0.9 * per['balanced'])


def test_test_path_never_uses_bn2():
    model = build().eval()
    for name in ('random', 'balanced'):
        model.branches[name].neck.bn2.weight.data.fill_(float('nan'))
    out = model.predict(torch.randn(2, 3, 16, 16))
    assert all(torch.isfinite(s.pred_score).all() for s in out)
    assert 'pred_score_random' in out[0] and 'pred_score_balanced' in out[0]


def dual_batch(seed=0, clean_perm=None):
    gen = torch.Generator().manual_seed(seed)
    batch = {}
    for name, num in (('random', 2), ('balanced', 4)):
        y = (torch.rand(num, C, generator=gen) < 0.5).float()
        y[:, 0] = 1
        y2 = (torch.rand(num, C, generator=gen) < 0.5).float()
        y2[:, 1] = 1
        clean = (torch.rand(num, C, generator=gen) < 0.5).float()
        if clean_perm is not None:
            clean = clean[torch.randperm(num, generator=clean_perm)]
        images = [torch.rand(3, 16, 16, generator=gen) * 255
                  for _ in range(2 * num)]
        batch[name] = dict(inputs=[images[:num], images[num:]],
                           data_samples=samples(y.tolist(), y2.tolist(),
                                                clean.tolist()))
    return batch


@pytest.mark.parametrize('stitch', ['feature_avg', 'image_splice', None])
def test_losses_and_gradients_ignore_gt_clean(stitch):
    results = []
    for perm in (None, torch.Generator().manual_seed(5)):
        model = build(stitch=stitch, thresholds=dict(balance_medium_alpha=0.4,
                                                     random_tail_beta=0.6),
                      training_split=dict(head=[0], middle=[1], tail=[2]))
        model.train()
        torch.manual_seed(1)
        data = model.data_preprocessor(dual_batch(clean_perm=perm), True)
        losses = model(**data, mode='loss')
        total = losses['loss_random'] + losses['loss_balanced']
        total.backward()
        grads = [p.grad.clone() for p in model.parameters()
                 if p.grad is not None]
        results.append((losses, grads))
    (l1, g1), (l2, g2) = results
    for key in l1:
        assert torch.equal(l1[key], l2[key]), key
    assert len(g1) == len(g2) and all(torch.equal(a, b)
                                      for a, b in zip(g1, g2))
    # corrections fired (thresholds chosen to fire at initial scores)
    assert l1['random_added'] > 0 and l1['balanced_removed'] > 0


def test_frozen_trunk_gets_no_gradient():
    cfg = model_cfg()
    cfg['backbone'].update(frozen_stages=3, norm_eval=True)
    model = MODELS.build(cfg)
    model.init_weights()
    model.train()
    data = model.data_preprocessor(dual_batch(), True)
    losses = model(**data, mode='loss')
    (losses['loss_random'] + losses['loss_balanced']).backward()
    assert all(p.grad is None for p in model.trunk.parameters())
    assert model.branches['random'].layer4[0].conv1.weight.grad is not None
    bns = [m for m in model.branches['random'].layer4.modules()
           if isinstance(m, torch.nn.BatchNorm2d)]
    assert bns and not any(m.training for m in bns)


def test_splice_images_halves():
    x1 = torch.zeros(1, 3, 4, 6)
    x2 = torch.ones(1, 3, 4, 6)
    out = splice_images(x1, x2)
    assert out.shape == (1, 3, 4, 6)
    assert out[..., :3].eq(0).all() and out[..., 3:].eq(1).all()


def test_single_branch_and_bad_configs():
    cfg = model_cfg(stitch=None, correction=False)
    del cfg['branches']['random']
    model = MODELS.build(cfg)
    model.init_weights()
    batch = dual_batch()['balanced']
    batch['inputs'] = batch['inputs'][0]
    data = model.data_preprocessor(batch, True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_balanced'}
    with pytest.raises(ValueError, match='correction needs both'):
        MODELS.build(dict(copy.deepcopy(cfg), correction=True))
    with pytest.raises(ValueError, match='stitch'):
        MODELS.build(dict(copy.deepcopy(cfg), stitch='concat'))


@pytest.mark.parametrize('name', ['random', 'balanced'])
def test_single_branch_switch_equals_the_hand_built_model(name):
    """``single_branch`` builds what deleting the other branch by hand
    built: same modules, weights and loss; correction must be off."""
    with pytest.raises(ValueError, match='correction needs both'):
        build(stitch=None, single_branch=name)  # correction=True
    switched = build(stitch=None, single_branch=name, correction=False)
    cfg = model_cfg(stitch=None, correction=False)
    cfg['branches'] = {name: cfg['branches'][name]}
    torch.manual_seed(0)
    by_hand = MODELS.build(cfg)
    by_hand.init_weights()
    assert switched.branch_names == (name, ) and not switched.correction
    ref = by_hand.state_dict()
    assert list(switched.state_dict()) == list(ref)
    for key, value in switched.state_dict().items():
        torch.testing.assert_close(value, ref[key], rtol=0, atol=0)
    losses = []
    for model in (switched, by_hand):
        batch = dual_batch()[name]
        batch['inputs'] = batch['inputs'][0]
        torch.manual_seed(1)  # neck dropout
        losses.append(model(**model.data_preprocessor(batch, True),
                            mode='loss'))
    assert set(losses[0]) == {f'loss_{name}'}
    torch.testing.assert_close(losses[0], losses[1], rtol=0, atol=0)


def test_single_branch_refuses_bad_names_in_one_line():
    with pytest.raises(ValueError, match="single_branch must be one of "
                       r"\('random', 'balanced'\), got 'both'"):
        MODELS.build(model_cfg(single_branch='both'))
    cfg = model_cfg(single_branch='random')
    del cfg['branches']['random']
    with pytest.raises(ValueError, match="single_branch 'random' is not "
                       r"among the branches \['balanced'\]"):
        MODELS.build(cfg)
    with pytest.raises(ValueError, match='write_back'):
        MODELS.build(model_cfg(single_branch='random', correction=False,
                               write_back=True))


def test_layer4_copies_load_pretrained_weights(tmp_path):
    ref = MODELS.build(resnet_cifar(18, 4))
    torch.nn.init.normal_(ref.layer4[0].conv1.weight)
    torch.save(ref.state_dict(), tmp_path / 'r.pth')
    cfg = model_cfg()
    cfg['backbone']['init_cfg'] = dict(type='Pretrained',
                                       checkpoint=str(tmp_path / 'r.pth'))
    model = MODELS.build(cfg)
    model.init_weights()
    for name in ('random', 'balanced'):
        torch.testing.assert_close(
            model.branches[name].layer4[0].conv1.weight,
            ref.layer4[0].conv1.weight)
    torch.testing.assert_close(model.trunk.layer3[0].conv1.weight,
                               ref.layer3[0].conv1.weight)


def test_stitchup_configs_parse_and_voc_recipe_builds():
    import glob

    from conftest import ROOT
    from mmengine.config import Config
    paths = sorted(glob.glob(f'{ROOT}/configs/stitchup/*.py'))
    assert len(paths) >= 20
    for path in paths:
        cfg = Config.fromfile(path)
        assert cfg.model.type == 'CoLearningClassifier', path
    cfg = Config.fromfile(f'{ROOT}/configs/stitchup/'
                          'stitchup_r50_voc-mlt-noise50.py').model
    cfg.backbone.pop('init_cfg')
    model = MODELS.build(cfg.to_dict())
    trainable = {n.split('.')[0] for n, p in model.named_parameters()
                 if p.requires_grad}
    assert trainable == {'branches'}
    assert model.branches['random'].neck.drop.p == 0.0
    assert model.branches['balanced'].neck.drop.p == 0.5
    loss = model.branches['balanced'].head.loss_module
    assert loss.logit_reg['neg_scale'] == 5.0 and loss.from_dataset
    model.eval()
    out = model.predict(torch.zeros(1, 3, 64, 64))
    assert out[0].pred_score.shape == (20, )


@pytest.mark.parametrize('leaf,branch', [
    ('stitchup_r18_digitmosaic-lt-noise50_bce.py', 'random'),
    ('stitchup_r18_digitmosaic-lt-noise50_db.py', 'balanced'),
    ('stitchup_r50_voc-mlt-noise50_db-only.py', 'balanced'),
    ('stitchup_r50_coco-mlt-noise50_db-only.py', 'balanced')])
def test_single_branch_leaves_use_the_switch(leaf, branch):
    """The single-branch ablations keep the family's two branches and name
    the one they train; no loader B, no metric of the missing branch."""
    from conftest import ROOT
    from mmengine.config import Config
    cfg = Config.fromfile(f'{ROOT}/configs/stitchup/{leaf}')
    assert cfg.model.single_branch == branch
    assert set(cfg.model.branches) == {'random', 'balanced'}
    assert cfg.model.stitch is None
    assert cfg.train_cfg.dataloader_b is None
    for metrics in (cfg.get('val_evaluator') or [], cfg.test_evaluator):
        assert all(m.get('branch', branch) == branch for m in metrics)


def test_write_back_memory_feeds_the_next_step():
    kwargs = dict(thresholds=dict(balance_medium_alpha=0.4,
                                  random_tail_beta=0.6),
                  training_split=dict(head=[0], middle=[1], tail=[2]),
                  write_back=True)
    model = build(**kwargs)
    model.train()
    memory = model.label_memory
    with pytest.raises(RuntimeError, match='CoLearningCorrectionHook'):
        model(**model.data_preprocessor(dual_batch(), True), mode='loss')
    # 8 samples: anchors use indices 0-3, partners 1-4 (see samples())
    start = (torch.arange(8 * C).reshape(8, C) % 2).to(torch.int8)
    memory.initialize(start)
    data = model.data_preprocessor(dual_batch(), True)
    model(**data, mode='loss')
    record = model.correction_records()
    # the memory rows, not the loaded labels, were corrected
    for name, num in (('random', 2), ('balanced', 4)):
        idx = torch.cat([torch.arange(num), torch.arange(num) + 1])
        torch.testing.assert_close(record[name]['observed'],
                                   start[idx].float())
    memory.commit()
    # rows written in order: anchors then partners, last writer wins
    for name, num in (('random', 2), ('balanced', 4)):
        expected = start.clone()
        idx = torch.cat([torch.arange(num), torch.arange(num) + 1])
        for i, row in zip(idx.tolist(), record[name]['corrected']):
            expected[i] = row.to(torch.int8)
        assert torch.equal(getattr(memory, name), expected), name
        assert not torch.equal(expected, start)  # corrections happened
    # saved and restored (resized) through the state dict
    other = build(**kwargs)
    other.load_state_dict(model.state_dict())
    for name in ('random', 'balanced'):
        assert torch.equal(getattr(other.label_memory, name),
                           getattr(memory, name))
    with pytest.raises(ValueError, match='needs correction=True'):
        build(correction=False, write_back=True)


def test_sync_neck_bn_converts_only_the_necks():
    plain = build()
    synced = build(sync_neck_bn=True)
    assert plain.state_dict().keys() == synced.state_dict().keys()
    synced.load_state_dict(plain.state_dict())
    neck_bns = [m for n in ('random', 'balanced')
                for m in synced.branches[n].neck.modules()
                if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    assert neck_bns and all(isinstance(m, torch.nn.SyncBatchNorm)
                            for m in neck_bns)
    assert not any(isinstance(m, torch.nn.SyncBatchNorm)
                   for m in synced.trunk.modules())
    # one process: the same numbers as plain BatchNorm, in train mode too
    for model in (plain, synced):
        model.train()
    torch.manual_seed(3)
    out_plain = plain(**plain.data_preprocessor(dual_batch(), True),
                      mode='loss')
    torch.manual_seed(3)
    out_sync = synced(**synced.data_preprocessor(dual_batch(), True),
                      mode='loss')
    for key in out_plain:
        torch.testing.assert_close(out_plain[key], out_sync[key])
