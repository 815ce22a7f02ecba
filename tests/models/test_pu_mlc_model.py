"""LGC converter, SSGRL head, PU-MLC classifier."""
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn as nn
from _helpers import resnet_cifar, unit_preprocessor
from conftest import tiny_config
from mmengine.model import ExponentialMovingAverage
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmpretrain.models.backbones import ResNet, ResNet_CIFAR
from mmpretrain.structures import DataSample
from torch.nn.modules.batchnorm import _BatchNorm

from mlc.models.heads import SSGRLHead, cooccurrence_adjacency
from mlc.models.utils import GlobalBranch, LGCConv2d, convert_to_lgc
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)

SMALL = dict(stem_channels=16, base_channels=16)

pytestmark = pytest.mark.usefixtures('one_thread')


def small_cifar_r50(**kwargs):
    return ResNet_CIFAR(depth=50, **SMALL, **kwargs)


def test_lgc_zero_gamma_equals_plain_conv_and_stride_shapes():
    torch.manual_seed(0)
    for stride in (1, 2):
        conv = nn.Conv2d(16, 24, 3, stride=stride, padding=1, bias=False)
        lgc = LGCConv2d.from_conv(conv, gamma_std=0.)
        x = torch.randn(2, 16, 8, 8)
        assert torch.equal(lgc(x), conv(x))
        nn.init.normal_(lgc.global_branch.norm.weight)
        out = lgc(x)
        assert out.shape == conv(x).shape == (2, 24, 8 // stride, 8 // stride)
        assert not torch.equal(out, conv(x))
    attn = GlobalBranch(16, 16).attention(torch.randn(3, 16, 5, 5))
    assert attn.shape == (3, 8, 25)
    torch.testing.assert_close(attn.sum(-1), torch.ones(3, 8))


def test_convert_counts_and_checkpoint_keys():
    r101 = ResNet(depth=101, **SMALL)
    plain = ResNet(depth=50, **SMALL)
    state = plain.state_dict()
    assert convert_to_lgc(r101) == 33
    assert convert_to_lgc(plain) == 16
    # torchvision-style: the 3x3 weights keep their keys, only GB is missing
    result = plain.load_state_dict(state, strict=False)
    assert not result.unexpected_keys
    assert result.missing_keys
    assert all('.global_branch.' in k for k in result.missing_keys)
    assert 'layer1.0.conv2.weight' in state
    assert isinstance(plain.layer1[0].conv2, LGCConv2d)
    assert not isinstance(plain.conv1, LGCConv2d)


def test_converted_resnet50_starts_equal_to_original():
    torch.manual_seed(0)
    net = small_cifar_r50()
    net.eval()
    x = torch.randn(2, 3, 32, 32)
    before = net(x)[-1]
    exact = small_cifar_r50()
    exact.load_state_dict(net.state_dict())
    convert_to_lgc(exact, gamma_std=0.)
    exact.eval()
    assert torch.equal(exact(x)[-1], before)
    convert_to_lgc(net)  # paper init: gamma ~ N(0, 1e-4)
    net.eval()
    after = net(x)[-1]
    torch.testing.assert_close(after, before, rtol=0, atol=1e-3)


def ssgrl(num_classes=4, in_channels=32, **kwargs):
    return SSGRLHead(num_classes=num_classes, in_channels=in_channels,
                     feat_channels=16, attn_channels=8, out_channels=12,
                     word_dim=10, pool_size=None, **kwargs)


def test_adjacency_from_observed_positives():
    observed = np.array([[1, 1, 0], [1, -1, 0], [-1, 0, 0]])
    # columns give the expected observed positives [[1,1,0],[1,0,0],[0,0,0]]
    np.testing.assert_allclose(
        cooccurrence_adjacency(observed),
        [[1, 0.5, 0], [1, 1, 0], [0, 0, 1]])
    assert np.isfinite(cooccurrence_adjacency(np.zeros((3, 4)))).all()


def test_ssgrl_folded_decoupling_equals_naive():
    torch.manual_seed(0)
    head = ssgrl()
    feat = torch.randn(2, 6, 16)
    hidden = torch.tanh(head.fc_img(feat)[:, :, None] *
                        head.fc_word(head.word_vectors)[None, None])
    score = head.fc_score(head.fc_hidden(hidden))[..., 0]
    naive = torch.einsum('bpc,bpf->bcf', score.softmax(1), feat)
    torch.testing.assert_close(head.decouple(feat), naive)


def test_ssgrl_word_vectors_and_graph_guard(tmp_path, shared_data):
    coco = osp.join(shared_data, 'pu_mlc', 'coco_vectors.npy')
    voc = osp.join(shared_data, 'pu_mlc', 'voc07_vectors.npy')
    assert ssgrl(80, word_vec_file=coco).word_vectors.shape == (80, 300)
    assert ssgrl(20, word_vec_file=voc).word_vectors.shape == (20, 300)
    with pytest.raises(ValueError, match='word_vec_file'):
        ssgrl(10, word_vec_file=voc)
    pickled = str(tmp_path / 'obj.npy')
    np.save(pickled, np.array([{'a': 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match='allow_pickle'):
        ssgrl(1, word_vec_file=pickled)
    head = ssgrl().train()
    feats = (torch.randn(2, 32, 3, 3), )
    with pytest.raises(RuntimeError, match='SSGRLGraphHook'):
        head(feats)
    ema = ExponentialMovingAverage(head, momentum=3e-4, update_buffers=True)
    head.set_adjacency(np.array([[1, 1, 0, 0], [0, 1, -1, 0]]))
    assert head(feats).shape == (2, 4)
    # the graph (int64 counts) is copied by an EMA model, not averaged
    ema.update_parameters(head)
    torch.testing.assert_close(ema.module.adjacency, head.adjacency)
    assert head.adjacency[1, 0] == 0.5 and head.adjacency[0, 1] == 1


def build(cfg):
    with DefaultScope.overwrite_default_scope('mlc'):
        return MODELS.build(cfg)


def classifier_cfg(**kwargs):
    cfg = dict(
        type='PUMLCClassifier',
        data_preprocessor=unit_preprocessor(),
        backbone=resnet_cifar(50, 8),
        head=dict(type='SSGRLHead', num_classes=4, in_channels=256,
                  feat_channels=16, attn_channels=8, out_channels=12,
                  word_dim=10, pool_size=None,
                  loss=dict(type='VPULoss', rebalance_gamma=0.5)))
    cfg.update(kwargs)
    return cfg


def test_frozen_recipe_and_bn_eval():
    model = build(classifier_cfg())
    model.init_weights()
    assert model.num_lgc == 16
    # the backbone's Kaiming/constant init must not reach the branch BNs
    gammas = torch.cat([m.global_branch.norm.weight.detach()
                        for m in model.modules() if isinstance(m, LGCConv2d)])
    assert gammas.abs().max() < 1e-3
    params = dict(model.named_parameters())
    assert not params['backbone.layer3.0.conv2.weight'].requires_grad
    assert not params['backbone.conv1.weight'].requires_grad
    assert not params['backbone.bn1.weight'].requires_grad
    assert params['backbone.layer3.0.conv2.global_branch.proj.weight'
                  ].requires_grad
    assert params['backbone.layer4.0.conv2.weight'].requires_grad
    assert params['head.fc_out.weight'].requires_grad
    model.train()
    bns = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    assert bns and not any(m.training for m in bns)
    stats = [m.running_mean.clone() for m in bns]
    model.head.set_adjacency(np.eye(4))
    model(torch.randn(4, 3, 32, 32), mode='tensor')
    assert all(torch.equal(s, m.running_mean) for s, m in zip(stats, bns))
    with pytest.raises(ValueError, match='frozen_stages'):
        build(classifier_cfg(backbone=resnet_cifar(50, 8, frozen_stages=2)))


def batch(seed):
    gen = torch.Generator().manual_seed(seed)
    inputs = torch.randn(5, 3, 32, 32, generator=gen)
    samples = []
    for i in range(5):
        score = torch.randint(-1, 2, (4, ), generator=gen).float()
        clean = torch.randint(0, 2, (4, ), generator=gen).float()
        sample = DataSample(metainfo=dict(sample_idx=i))
        sample.set_field(score, 'gt_score')
        sample.set_field(clean, 'gt_clean')
        samples.append(sample)
    return inputs, samples


def test_classifier_loss_keys_and_gt_clean_permutation():
    torch.manual_seed(0)
    model = build(classifier_cfg(frozen_stages=-1))
    model.init_weights()
    model.head.set_adjacency(np.eye(4))
    model.train()
    inputs, samples = batch(0)

    def run(data_samples):
        model.zero_grad()
        torch.manual_seed(1)
        losses = model(inputs, data_samples, mode='loss')
        (losses['loss_pu'] + losses['loss_mix']).backward()
        return losses, [p.grad.clone() for p in model.parameters()
                        if p.grad is not None]

    losses, grads = run(samples)
    assert {'loss_pu', 'loss_mix', 'pu_mix_lambda', 'pu_pos', 'pu_unl',
            'pu_temp_min', 'pu_num_cls_no_pos'} <= set(losses)
    assert not any('loss' in k for k in losses if k.startswith('pu_'))
    perm = [3, 0, 4, 1, 2]
    permuted = [s.clone() for s in samples]
    for s, j in zip(permuted, perm):
        s.set_field(samples[j].gt_clean, 'gt_clean')
    losses2, grads2 = run(permuted)
    for k in losses:
        assert torch.equal(losses[k], losses2[k]), k
    assert all(torch.equal(a, b) for a, b in zip(grads, grads2))
    no_mix = build(classifier_cfg(mix_loss=None, lgc=None))
    no_mix.head.set_adjacency(np.eye(4))
    assert set(no_mix.train()(inputs, samples, mode='loss')).isdisjoint(
        {'loss_mix'})


def test_graph_hook_and_resume_bit_identical(tiny_data, tmp_path):
    def config(name, epochs):
        cfg = tiny_config(tiny_data, str(tmp_path / name), max_epochs=epochs,
                          val=False)
        cfg['model'] = classifier_cfg(frozen_stages=-1, norm_eval_all=False)
        cfg['custom_hooks'] = [dict(type='SSGRLGraphHook'),
                               dict(type='RandomStateHook')]
        cfg['optim_wrapper'] = dict(optimizer=dict(type='Adam', lr=1e-3))
        cfg['param_scheduler'][0]['end'] = 2
        # 16 of the 40 images: 2 iterations per epoch (a ResNet-50 trunk)
        cfg['train_dataloader']['dataset']['indices'] = 16
        return cfg

    runner = Runner.from_cfg(config('full', 2))
    runner.train()
    # SSGRLGraphHook: the graph of the observed training labels
    head = runner.model.head
    labels = runner.train_dataloader.dataset.label_store.observed()
    assert labels.shape == (16, 4)
    np.testing.assert_allclose(head.adjacency.numpy(),
                               cooccurrence_adjacency(labels), rtol=1e-6)
    assert bool(head.graph_built)
    Runner.from_cfg(config('part', 1)).train()
    resumed = config('part', 2)
    resumed['resume'] = True
    Runner.from_cfg(resumed).train()
    a = torch.load(tmp_path / 'full' / 'epoch_2.pth', weights_only=True)
    b = torch.load(tmp_path / 'part' / 'epoch_2.pth', weights_only=True)
    for key, value in a['state_dict'].items():
        assert torch.equal(b['state_dict'][key], value), key
