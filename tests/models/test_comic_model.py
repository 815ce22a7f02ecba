"""COMIC head and model: NormLinear/TDE values, attention, feature memory,
state, shared trunk, gt_clean permutation, ablation switches."""
import copy

import pytest
import torch
from _helpers import resnet_cifar
from mmpretrain.structures import DataSample

from mlc.models.heads import AdditiveAttention, NormLinearClsHead
from mlc.models.heads.comic_feature_memory import ComicFeatureMemory
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)


def test_norm_linear_values():
    head = NormLinearClsHead(num_classes=1, in_channels=2, tde='head')
    head.weight.data[:] = torch.tensor([[1., 1.]])
    f, e = torch.tensor([[3., 4.]]), torch.tensor([0., 1.])
    z, zh = head(f, e)
    torch.testing.assert_close(z, torch.tensor([[15.496759]]))
    torch.testing.assert_close(zh, torch.tensor([[6.641468]]))
    head.tde = 'tail'
    torch.testing.assert_close(head(f, e)[1], torch.tensor([[33.207340]]))
    head.tde = 'none'
    assert torch.equal(head(f)[1], z)
    # groups: each chunk normalised separately
    g2 = NormLinearClsHead(num_classes=1, in_channels=4, groups=2)
    g2.weight.data[:] = torch.tensor([[1., 1., 1., 1.]])
    torch.testing.assert_close(g2(torch.tensor([[3., 4., 3., 4.]]))[0],
                               torch.tensor([[15.496759]]))


def test_attention_uniform_when_projections_zero():
    attn = AdditiveAttention(dim=3, dropout=0.1, scale=0.1).eval()
    attn.w_q.weight.data.zero_()
    attn.w_k.weight.data.zero_()
    q = torch.randn(2, 3)
    keys = torch.randn(2, 2, 3)
    fused, weights = attn(q, keys)
    torch.testing.assert_close(weights, torch.full((2, 2), 0.5))
    torch.testing.assert_close(fused, q + 0.1 * keys.mean(1))


def test_feature_memory_accumulates_without_decay_factor():
    mem = ComicFeatureMemory(('b', ), 2)
    f1, f2 = torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([[0., 1.]])
    mem.update({'b': f1}, 0.9)
    mem.update({'b': f2}, 0.9)
    torch.testing.assert_close(mem.get('b'),
                               0.9 * f1.mean(0) + f2.mean(0))


def tiny_comic(**head_kwargs):
    head = dict(type='ComicHead', num_classes=4, in_channels=16,
                class_freq=[30, 10, 4, 2],
                cooccurrence=[[30, 3, 1, 0], [3, 10, 1, 1], [1, 1, 4, 0],
                              [0, 1, 0, 2]])
    head.update(head_kwargs)
    return MODELS.build(dict(
        type='ComicClassifier',
        trunk=resnet_cifar(18, 4, out_indices=(3, )),
        trunk_frozen=False,
        neck=dict(type='ComicFeatNeck', in_channels=32, out_channels=16),
        head=head))


def batch(seed=0, b=6):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(b, 3, 16, 16, generator=gen)
    samples = []
    for i in range(b):
        score = torch.randint(-1, 2, (4, ), generator=gen).float()
        clean = torch.randint(0, 2, (4, ), generator=gen).float()
        sample = DataSample(metainfo=dict(sample_idx=i)).set_gt_score(score)
        sample.set_field(clean, 'gt_clean')
        samples.append(sample)
    return x, samples


def loss_and_grads(model, x, samples):
    model.zero_grad()
    losses = model(x, samples, mode='loss')
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    return losses, {n: p.grad.clone() for n, p in model.named_parameters()
                    if p.grad is not None}


def test_gt_clean_permutation_leaves_losses_and_grads_identical():
    torch.manual_seed(0)
    model = tiny_comic()
    model.head.set_epoch(0)
    x, samples = batch()
    state = copy.deepcopy(model.state_dict())
    losses_a, grads_a = loss_and_grads(model, x, samples)
    model.load_state_dict(state)
    clean = [s.gt_clean for s in samples]
    for s, c in zip(samples, clean[::-1]):
        s.gt_clean = c
    torch.manual_seed(0)
    model_b = tiny_comic()
    model_b.load_state_dict(state)
    model_b.head.set_epoch(0)
    losses_b, grads_b = loss_and_grads(model_b, x, samples)
    assert losses_a.keys() == losses_b.keys()
    for k in losses_a:
        assert torch.equal(losses_a[k], losses_b[k]), k
    for k in grads_a:
        assert torch.equal(grads_a[k], grads_b[k]), k


def test_shared_trunk_equals_separate_copies():
    """Three identical trunks on the same batch == one shared trunk."""
    torch.manual_seed(0)
    shared = tiny_comic().eval()
    separate = MODELS.build(dict(
        type='ComicClassifier',
        trunk=resnet_cifar(18, 4, out_indices=(3, )),
        trunk_frozen=False, trunk_mode='separate',
        neck=dict(type='ComicFeatNeck', in_channels=32, out_channels=16),
        head=dict(type='ComicHead', num_classes=4, in_channels=16,
                  class_freq=[30, 10, 4, 2],
                  cooccurrence=shared.head.htb.loss.cooc_norm))).eval()
    state = shared.state_dict()
    mapped = {}
    for key, value in state.items():
        if key.startswith('trunk.'):
            for k in 'htb':
                mapped[f'trunks.{k}.' + key[6:]] = value
        else:
            mapped[key] = value
    separate.load_state_dict(mapped)
    x, samples = batch()
    out_a, out_b = shared(x), separate(x)
    for key in out_a:
        torch.testing.assert_close(out_a[key], out_b[key])
    frozen = tiny_comic()
    frozen.trunk_frozen = True
    frozen.trunk.requires_grad_(False)
    frozen.head.set_epoch(0)
    frozen.train()
    losses = frozen(x, samples, mode='loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert all(p.grad is None for p in frozen.trunk.parameters())
    assert frozen.necks.h.fc.weight.grad is not None


def test_head_requires_stats_and_epoch_and_predicts_branches():
    model = MODELS.build(dict(
        type='ComicClassifier',
        trunk=resnet_cifar(18, 4, out_indices=(3, )),
        trunk_frozen=True,
        neck=dict(type='ComicFeatNeck', in_channels=32, out_channels=16),
        head=dict(type='ComicHead', num_classes=4, in_channels=16)))
    x, samples = batch()
    with pytest.raises(RuntimeError, match='ComicCorrectionHook'):
        model(x, samples, mode='loss')
    model.head.set_class_stats(torch.tensor([30., 10, 4, 2]),
                               torch.eye(4) * 5)
    with pytest.raises(RuntimeError, match='epoch'):
        model(x, samples, mode='loss')
    model.head.set_epoch(0)
    losses = model(x, samples, mode='loss')
    assert {'loss_mfm_h', 'loss_mfm_t', 'loss_mfm_b', 'loss_rlc_h',
            'loss_rlc_t', 'loss_rlc_b', 'loss_htb'} <= set(losses)
    assert model.head.state.feat_b.abs().sum() > 0
    model.eval()
    preds = model(x, mode='predict')
    logits = model(x)
    torch.testing.assert_close(preds[0].pred_score,
                               torch.sigmoid(logits['z_b'][0]))
    preds_h = model.head.predict(model.extract_feat(x), branch='head')
    torch.testing.assert_close(preds_h[0].pred_score,
                               torch.sigmoid(logits['zhat_h'][0]))
    for k in ('h', 't', 'b'):
        assert f'head.rlc.{k}.state.counts' in model.state_dict()
        assert f'head.state.feat_{k}' in model.state_dict()


@pytest.mark.parametrize('kwargs,present,absent', [
    (dict(rlc_loss=None), {'loss_htb'}, {'loss_rlc_b'}),
    (dict(balance=False), {'loss_mfm_b', 'loss_rlc_b'},
     {'loss_mfm_h', 'loss_htb'}),
    (dict(comic_mode='code'), {'loss_mfm_h', 'loss_rlc_b'},
     {'loss_htb', 'attn_weight_h'}),
    (dict(cls_loss=dict(type='MaskedBCELoss', reduction='sum')),
     {'loss_htb', 'loss_rlc_b'}, set()),
])
def test_ablation_switches(kwargs, present, absent):
    model = tiny_comic(**kwargs)
    model.head.set_epoch(0)
    x, samples = batch()
    losses = model(x, samples, mode='loss')
    assert present <= set(losses) and not absent & set(losses)
    if kwargs.get('balance') is False:
        assert set(model.necks.keys()) == {'b'}
    if 'cls_loss' in kwargs:
        assert type(model.head.htb.loss).__name__ == 'MaskedBCELoss'


@pytest.mark.parametrize('grad_to_branches', [True, False])
def test_attention_gradient_into_branch_features(grad_to_branches):
    """The balanced losses reach f_h, f_t only through the attention (HTB
    stops its gradient): with ``attn_grad_to_branches=False`` none arrives,
    while the attention itself and the forward values are unchanged."""
    torch.manual_seed(0)
    head = tiny_comic(attn_grad_to_branches=grad_to_branches).head
    head.set_epoch(0)
    _, samples = batch()
    gen = torch.Generator().manual_seed(1)
    feats = {k: torch.randn(6, 16, generator=gen).log_softmax(1)
             .requires_grad_() for k in 'htb'}
    torch.manual_seed(0)
    reference = tiny_comic().head.eval()
    out, ref = head.eval()(feats), reference(feats)
    for key in out:
        torch.testing.assert_close(out[key], ref[key])
    losses = head.train().loss(feats, samples)
    balanced = losses['loss_mfm_b'] + losses['loss_rlc_b'] + \
        losses['loss_htb']
    grads = torch.autograd.grad(balanced, [feats['h'], feats['t'],
                                           head.attention.w_k.weight],
                                allow_unused=True)
    reached = [g is not None and bool(g.abs().sum() > 0) for g in grads[:2]]
    assert reached == [grad_to_branches] * 2
    assert grads[2].abs().sum() > 0  # W_k still learns from the keys
    # the head/tail losses still train their own features
    own = torch.autograd.grad(losses['loss_mfm_h'], feats['h'])[0]
    assert own.abs().sum() > 0


def test_attention_gradient_switch_needs_the_attention():
    with pytest.raises(ValueError, match='attn_grad_to_branches'):
        tiny_comic(comic_mode='code', attn_grad_to_branches=False)
