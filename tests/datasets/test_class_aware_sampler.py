"""ClassAwareSampler and StitchUpDataset partner selection."""
import random

import numpy as np
import pytest
import torch

import mlc.datasets.samplers.class_aware_sampler as cas
from mlc.datasets import LabelStore, StitchUpDataset
from mlc.datasets.samplers import ClassAwareSampler


class FakeDataset:
    """Labels only; ``clean`` is what a dataset would ship as gt_clean."""

    def __init__(self, labels, clean=None):
        self.label_store = LabelStore(np.asarray(labels),
                                      None if clean is None else clean)
        self.metainfo = dict(classes=[str(c) for c in
                                      range(np.shape(labels)[1])])
        self.epoch_items = 0

    def __len__(self):
        return self.label_store.num_samples

    def full_init(self):
        pass

    def get_cat_ids(self, idx):
        return np.flatnonzero(self.label_store.get(idx) == 1).tolist()


def single_label(counts):
    rows = []
    for c, n in enumerate(counts):
        for _ in range(n):
            row = np.zeros(len(counts), dtype=np.int8)
            row[c] = 1
            rows.append(row)
    return np.stack(rows)


def test_epoch_length_blocks_and_global_rng_untouched():
    counts = [775] + [5] * 18 + [3]
    data = FakeDataset(single_label(counts))
    states = (random.getstate(), np.random.get_state()[1].copy(),
              torch.get_rng_state())
    sampler = ClassAwareSampler(data, num_samples_cls=3, reduce=4, seed=7)
    seq = list(sampler)
    assert len(sampler) == len(seq) == 3875  # 775 * 20 / 4
    cls = np.argmax(data.label_store.observed()[seq], axis=1)
    blocks = cls[:3873].reshape(-1, 3)
    assert (blocks == blocks[:, :1]).all()
    # every class is visited once per pass over the class list
    assert sorted(blocks[:20, 0].tolist()) == list(range(20))
    assert random.getstate() == states[0]
    assert np.array_equal(np.random.get_state()[1], states[1])
    assert torch.equal(torch.get_rng_state(), states[2])


def test_determinism_and_epochs():
    data = FakeDataset(single_label([30, 10, 4]))
    a = ClassAwareSampler(data, seed=3)
    b = ClassAwareSampler(data, seed=3)
    assert list(a) == list(b)
    b.set_epoch(1)
    assert list(a) != list(b)
    assert list(ClassAwareSampler(data, seed=4)) != list(a)
    a.skip_next(5)
    assert list(a) == a.sequence(0)[5:]
    assert list(a) == a.sequence(0)


def test_rank_shards_disjoint_and_cover(monkeypatch):
    data = FakeDataset(single_label([31, 7, 5]))
    shards = []
    for rank in range(2):
        monkeypatch.setattr(cas, 'get_dist_info', lambda r=rank: (r, 2))
        sampler = ClassAwareSampler(data, seed=1)
        sampler.set_epoch(2)
        shards.append(list(sampler))
    full = ClassAwareSampler.sequence(sampler, 2)
    assert len(full) == 23 and len(shards[0]) == len(shards[1]) == 12
    # positions rank::2 of the padded global sequence: disjoint, covering
    padded = full + full[:1]
    assert shards[0] == padded[0::2] and shards[1] == padded[1::2]


def test_empty_class_is_skipped():
    labels = single_label([6, 4, 0])
    sampler = ClassAwareSampler(FakeDataset(labels), seed=0)
    assert len(sampler) == 6 * 3 // 4
    assert set(np.argmax(labels[list(sampler)], 1)) <= {0, 1}


def multi_label(num=30, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    labels = (rng.random((num, classes)) < 0.3).astype(np.int8)
    labels[rng.random(num) < 0.5, 0] = 1
    labels[3] = 0  # an anchor without positive
    return labels


def test_partner_shares_a_noisy_positive_and_is_deterministic():
    labels = multi_label()
    clean = 1 - labels
    wrap = StitchUpDataset(FakeDataset(labels, clean), seed=0)
    for epoch in range(3):
        wrap.set_epoch(epoch)
        for i in range(len(labels)):
            j = wrap.partner(i)
            if labels[i].any():
                assert (labels[i] & labels[j]).any()
    # anchors without positive (e.g. 3) get uniform partners, counted
    assert wrap.num_uniform_partners == 3 * int((~labels.any(1)).sum())
    again = StitchUpDataset(FakeDataset(labels, clean), seed=0)
    again.set_epoch(2)
    assert [again.partner(i) for i in range(30)] == \
        [wrap.partner(i) for i in range(30)]
    again.set_epoch(0)
    assert [again.partner(i) for i in range(30)] != \
        [wrap.partner(i) for i in range(30)]
    # partners never depend on the clean labels
    other = StitchUpDataset(FakeDataset(labels, clean[::-1].copy()), seed=0)
    other.set_epoch(2)
    assert [other.partner(i) for i in range(30)] == \
        [wrap.partner(i) for i in range(30)]


def test_partner_is_uniform_over_the_drawn_class():
    # anchor 0 has classes {0, 1}; class 0 = {0, 1}, class 1 = {0, 2, 3}
    labels = np.array([[1, 1], [1, 0], [0, 1], [0, 1]], dtype=np.int8)
    wrap = StitchUpDataset(FakeDataset(labels), seed=0)
    counts = np.zeros(4)
    for epoch in range(4000):
        wrap.set_epoch(epoch)
        counts[wrap.partner(0)] += 1
    expected = np.array([1 / 4 + 1 / 6, 1 / 4, 1 / 6, 1 / 6]) * 4000
    assert np.abs(counts - expected).max() < 90


def test_bad_sampler_args():
    with pytest.raises(ValueError, match='num_samples_cls'):
        ClassAwareSampler(FakeDataset(single_label([2, 2])), num_samples_cls=0)


def test_stitch_false_returns_the_wrapped_items():
    class Items(FakeDataset):
        def __getitem__(self, idx):
            return dict(inputs=torch.full((1, ), float(idx)),
                        data_samples=f'sample {idx}')

    labels = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.int8)
    plain = StitchUpDataset(Items(labels), seed=0, stitch=False)
    assert [plain[i] for i in range(3)] == \
        [Items(labels)[i] for i in range(3)]
    assert len(plain) == 3
