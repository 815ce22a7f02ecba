"""PLLAccuracy: sample-weighted top-k and per-group class-mean accuracy."""
import numpy as np
import pytest
import torch

from mlc.evaluation.metrics.pll_accuracy import PLLAccuracy, pll_accuracy


def test_hand_computed_accuracy():
    # 3 classes; class 0: 4 samples (3 right), class 1: 1 (wrong), class 2: 1
    scores = np.array([[.9, .1, 0], [.8, .2, 0], [.7, .3, 0], [.1, .2, .7],
                       [.6, .3, .1], [.1, .1, .8]])
    labels = np.array([0, 0, 0, 0, 1, 2])
    out = pll_accuracy(scores, labels, topk=(1, 2),
                       class_split=dict(many=[0], medium=[1], few=[2]))
    assert out['top1'] == pytest.approx(400 / 6)   # sample-weighted
    assert out['top2'] == pytest.approx(500 / 6)
    assert out['top1_many'] == pytest.approx(75.)
    assert out['top1_medium'] == 0. and out['top1_few'] == 100.
    assert out['top1_classmean'] == pytest.approx((75 + 0 + 100) / 3)


def test_metric_is_not_a_mean_of_batch_accuracies():
    metric = PLLAccuracy(topk=(1, ), class_split=dict(many=[0], medium=[],
                                                      few=[1]))
    batches = [[(1, 0)], [(0, 0), (0, 0), (0, 0)]]  # (pred, label)
    for batch in batches:
        metric.process(None, [dict(pred_score=torch.eye(2)[p],
                                   gt_label=torch.tensor([y]))
                              for p, y in batch])
    out = metric.compute_metrics(metric.results)
    assert out['top1'] == pytest.approx(75.)  # batch mean would be 50
    with pytest.raises(ValueError, match='class ids'):
        pll_accuracy(np.eye(2), np.array([0, 2]))
