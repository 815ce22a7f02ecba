"""DistributionBalancedLoss: a hand-worked example."""
import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlc.models.losses import DistributionBalancedLoss, load_class_freq

# VOC-MLT counts: N = 1142; person (14) 775, cow (9) 4, dog (11) 48
VOC_FREQ = [6, 34, 8, 14, 154, 17, 249, 29, 479, 4, 240, 48, 11, 20, 775, 100,
            5, 82, 7, 64]
PERSON, COW, DOG = 14, 9, 11


def voc_loss(**kwargs):
    return DistributionBalancedLoss(class_freq=VOC_FREQ, num_samples=1142,
                                    reduction='none', **kwargs)


def test_spec_worked_example():
    loss = voc_loss()
    y = torch.zeros(1, 20)
    y[0, [PERSON, COW]] = 1
    w = loss.rebalance_weight(y.double(), loss.class_freq)
    torch.testing.assert_close(
        w[0, [PERSON, COW, DOG]].float(),
        torch.tensor([0.149800, 1.099041, 0.202390]), atol=1e-6, rtol=0)
    out = loss(torch.zeros(1, 20), y)
    torch.testing.assert_close(out[0, [PERSON, COW, DOG]],
                               torch.tensor([0.051252, 0.419368, 0.010633]),
                               atol=2e-6, rtol=0)


def test_bias_values_and_sign():
    freq = torch.tensor(VOC_FREQ, dtype=torch.float64)
    bias = 0.05 / 5 * torch.log(freq / (1142 - freq))
    torch.testing.assert_close(
        bias[[PERSON, COW, DOG]],
        torch.tensor([0.007475, -0.056507, -0.031264], dtype=torch.float64),
        atol=1e-6, rtol=0)
    # b_c > 0 iff n_c > N / 2: with a single positive at zero logits the
    # positive entry's loss is below log 2 exactly when its bias is positive
    loss = DistributionBalancedLoss(class_freq=[700, 10], num_samples=1000,
                                    reweight='none', focal=None,
                                    reduction='none')
    out = loss(torch.zeros(1, 2), torch.tensor([[1., 1.]]))
    assert out[0, 0] < math.log(2) < out[0, 1]


def test_single_label_weight_formula():
    loss = voc_loss()
    j = DOG
    y = torch.zeros(1, 20, dtype=torch.float64)
    y[0, j] = 1
    w = loss.rebalance_weight(y, loss.class_freq)[0]
    freq = torch.tensor(VOC_FREQ, dtype=torch.float64)
    expected = 0.1 + torch.sigmoid(10 * (freq[j] / freq - 0.3))
    torch.testing.assert_close(w, expected)


def test_plain_configuration_is_bce():
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(4, 20, generator=gen)
    y = (torch.rand(4, 20, generator=gen) < 0.3).float()
    loss = voc_loss(reweight='none', logit_reg=None, focal=None)
    torch.testing.assert_close(
        loss(z, y), F.binary_cross_entropy_with_logits(z, y, reduction='none'))


def test_gradcheck_float64():
    gen = torch.Generator().manual_seed(1)
    z = torch.randn(3, 20, generator=gen, dtype=torch.float64,
                    requires_grad=True)
    y = (torch.rand(3, 20, generator=gen) < 0.3).double()
    y[:, 0] = 1
    loss = voc_loss()
    assert torch.autograd.gradcheck(lambda x: loss(x, y).sum(), (z, ))


def test_sample_without_positive():
    z = torch.zeros(2, 20)
    y = torch.zeros(2, 20)
    y[0, PERSON] = 1
    with pytest.raises(ValueError, match='batch rows \\[1\\].*no positive'):
        voc_loss(no_positive='error')(z, y)
    loss = voc_loss()
    out = loss(z, y)
    assert torch.isfinite(out).all() and loss.num_no_positive == 1
    ref = voc_loss(reweight='none')(z, y)
    torch.testing.assert_close(out[1], ref[1])


def test_class_freq_sources(tmp_path, shared_data):
    freq, n = load_class_freq(f'{shared_data}/db_loss_voc_mlt/class_freq.pkl')
    assert n == 1142 and freq.tolist() == VOC_FREQ
    ann = dict(metainfo=dict(classes=['a', 'b']),
               data_list=[dict(img_path='x', pos=[0]),
                          dict(img_path='y', pos=[0, 1]),
                          dict(img_path='z', pos=[])])
    path = tmp_path / 'train.json'
    path.write_text(json.dumps(ann))
    freq, n = load_class_freq(str(path))
    assert freq.tolist() == [2, 1] and n == 3
    np.save(tmp_path / 'f.npy', np.array([3, 4]))
    with pytest.raises(ValueError, match='num_samples'):
        load_class_freq(str(tmp_path / 'f.npy'))
    assert load_class_freq(str(tmp_path / 'f.npy'), 10)[1] == 10
    with pytest.raises(ValueError, match='0 < n_c < N'):
        load_class_freq([0, 3], 10)


def test_dataset_mode_needs_the_hook():
    loss = DistributionBalancedLoss(class_freq='dataset')
    with pytest.raises(RuntimeError, match='ClassFreqHook'):
        loss(torch.zeros(1, 2), torch.tensor([[1., 0.]]))
    loss.set_class_freq([5, 2], 10)
    assert torch.isfinite(loss(torch.zeros(1, 2), torch.tensor([[1., 0.]])))


def test_bad_config_keys_rejected():
    with pytest.raises(KeyError, match='logit_reg'):
        DistributionBalancedLoss(logit_reg=dict(init_bias=0.05, neg=2))
