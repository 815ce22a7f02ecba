"""MLCAveragePrecision / MLCF1Metric through mmengine's Evaluator with
mmpretrain DataSample objects."""
import json

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.logging import MMLogger
from mmpretrain.structures import DataSample
from sklearn.metrics import average_precision_score

from mlc.evaluation import MLCAveragePrecision, MLCF1Metric
from mlc.evaluation.functional import (
    average_precision,
    mean_average_precision,
    multilabel_f1,
    tune_thresholds,
)
from mlc.registry import METRICS

C = 10
SPLIT = {'many': [0, 1, 2], 'medium': [3, 4, 5, 6], 'few': [7, 8, 9]}


def make_data(seed: int = 0, n: int = 60, unknown: float = 0.15):
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random((n, C)), 2).astype(np.float32)
    targets = (rng.random((n, C)) < 0.3).astype(np.float32)
    targets[rng.random((n, C)) < unknown] = -1
    return scores, targets


def data_samples(scores, targets, sample_idx=None):
    samples = []
    for i, (s, t) in enumerate(zip(scores, targets)):
        ds = DataSample().set_pred_score(torch.from_numpy(s)).set_gt_score(
            torch.from_numpy(t))
        if sample_idx is not False:
            ds.set_metainfo(dict(sample_idx=i if sample_idx is None else
                                 int(sample_idx[i])))
        samples.append(ds)
    return samples


def evaluate(metric, samples, meta=None, batch_size=8):
    evaluator = Evaluator([metric])
    evaluator.dataset_meta = meta or dict(classes=[f'c{i}' for i in range(C)])
    for start in range(0, len(samples), batch_size):
        evaluator.process(samples[start:start + batch_size])
    return evaluator.evaluate(len(samples))


def test_map_through_evaluator(tmp_path):
    scores, targets = make_data()
    targets[:, 5] = np.minimum(targets[:, 5], 0)  # class 5 has no positive
    metric = MLCAveragePrecision(class_split=SPLIT, out_dir=str(tmp_path))
    res = evaluate(metric, data_samples(scores, targets))
    ref = []
    for c in range(C):
        keep = targets[:, c] != -1
        if c != 5:
            ref.append(average_precision_score(targets[keep, c],
                                               scores[keep, c]))
    assert res['multi-label/mAP'] == pytest.approx(np.mean(ref) * 100)
    assert res['multi-label/num_empty_classes'] == 1
    ap, _ = average_precision(scores, targets)
    assert res['multi-label/mAP_many'] == pytest.approx(ap[:3].mean() * 100)
    assert res['multi-label/mAP_medium'] == pytest.approx(
        np.mean(ap[[3, 4, 6]]) * 100)
    assert res['multi-label/mAP_few'] == pytest.approx(ap[7:].mean() * 100)
    groups = [res[f'multi-label/mAP_{g}'] for g in ('many', 'medium', 'few')]
    assert res['multi-label/mAP_group_avg'] == pytest.approx(np.mean(groups))

    table_file = tmp_path / 'multi-label_per_class_ap.json'
    table = json.loads(table_file.read_text())
    rows = table['classes']
    assert [r['name'] for r in rows] == [f'c{i}' for i in range(C)]
    assert rows[5]['ap'] is None and rows[5]['num_pos'] == 0
    assert rows[7]['group'] == 'few'
    assert rows[0]['ap'] == pytest.approx(ap[0] * 100, abs=1e-4)
    assert table['summary']['num_empty_classes'] == 1


def test_group_total_consistency_without_empty_classes():
    scores, targets = make_data(seed=1)
    res = evaluate(MLCAveragePrecision(class_split=SPLIT, prefix='t'),
                   data_samples(scores, targets))
    total = sum(len(SPLIT[g]) * res[f't/mAP_{g}'] for g in SPLIT) / C
    assert res['t/num_empty_classes'] == 0
    assert total == pytest.approx(res['t/mAP'])


def test_duplicated_samples_are_dropped():
    scores, targets = make_data(seed=2, n=30)
    base = evaluate(MLCAveragePrecision(), data_samples(scores, targets))
    # DefaultSampler-style padding: samples 0..9 appear a second time.
    pad = np.arange(10)
    idx = np.concatenate([np.arange(30), pad])
    dup_s, dup_t = scores[idx], targets[idx]
    res = evaluate(MLCAveragePrecision(), data_samples(dup_s, dup_t, idx))
    assert res['multi-label/mAP'] == pytest.approx(base['multi-label/mAP'])
    # Sanity: without de-duplication the result would differ.
    with_dups, _ = mean_average_precision(average_precision(dup_s, dup_t)[0])
    assert with_dups != pytest.approx(base['multi-label/mAP'])
    f1 = evaluate(MLCF1Metric(), data_samples(dup_s, dup_t, idx))
    ref = multilabel_f1(scores, targets)
    assert f1['multi-label/CF1'] == pytest.approx(ref['CF1'] * 100)


def test_samples_without_sample_idx_are_all_kept():
    scores, targets = make_data(seed=3, n=20)
    idx = np.concatenate([np.arange(20), np.arange(5)])
    res = evaluate(MLCAveragePrecision(),
                   data_samples(scores[idx], targets[idx], sample_idx=False))
    ref, _ = mean_average_precision(
        average_precision(scores[idx], targets[idx])[0])
    assert res['multi-label/mAP'] == pytest.approx(ref)


def test_split_from_dataset_meta_and_train_counts(tmp_path):
    scores, targets = make_data(seed=4)
    samples = data_samples(scores, targets)
    expected = evaluate(MLCAveragePrecision(class_split=SPLIT, out_dir=str(
        tmp_path)), samples)
    path = tmp_path / 'class_split.json'
    path.write_text(json.dumps(
        {'head': SPLIT['many'], 'middle': SPLIT['medium'],
         'tail': SPLIT['few']}))
    freq = [500, 300, 100, 99, 50, 30, 20, 19, 5, 0]
    meta = dict(classes=[f'c{i}' for i in range(C)])
    for extra in [dict(class_split=str(path)), dict(train_class_freq=freq),
                  dict(class_freq=freq, class_split=SPLIT)]:
        res = evaluate(MLCAveragePrecision(out_dir=str(tmp_path)), samples,
                       meta={**meta, **extra})
        assert res == pytest.approx(expected)
    # Counts of the evaluated file alone give no split.
    res = evaluate(MLCAveragePrecision(out_dir=str(tmp_path)), samples,
                   meta={**meta, 'class_freq': freq})
    assert 'multi-label/mAP_many' not in res

    ann = dict(metainfo=dict(classes=meta['classes'], task='multilabel'),
               data_list=[dict(img_path=f'{i}.png', pos=[c], neg=[])
                          for c, n in enumerate(freq) for i in range(n)])
    ann_file = tmp_path / 'train.json'
    ann_file.write_text(json.dumps(ann))
    res = evaluate(MLCAveragePrecision(train_ann_file=str(ann_file),
                                       out_dir=str(tmp_path)), samples)
    assert res == pytest.approx(expected)
    res = evaluate(MLCAveragePrecision(train_ann_file=str(ann_file),
                                       many_thr=300, few_thr=50,
                                       out_dir=str(tmp_path)), samples)
    ap, _ = average_precision(scores, targets)
    assert res['multi-label/mAP_many'] == pytest.approx(ap[:2].mean() * 100)
    with pytest.raises(ValueError):
        MLCAveragePrecision(class_split=SPLIT, train_ann_file=str(ann_file))


def test_table_goes_to_log_dir(tmp_path):
    log_file = tmp_path / 'logs' / 'run.log'
    log_file.parent.mkdir()
    MMLogger.get_instance('test_mlc_eval_table', log_file=str(log_file))
    scores, targets = make_data(seed=5, n=20)
    evaluate(MLCAveragePrecision(prefix='test_monitor'),
             data_samples(scores, targets))
    table = tmp_path / 'logs' / 'test_monitor_per_class_ap.json'
    assert len(json.loads(table.read_text())['classes']) == C
    assert 'empty classes excluded' in log_file.read_text()


def test_f1_metric_through_evaluator(tmp_path):
    scores, targets = make_data(seed=6)
    val_s, val_t = make_data(seed=7)
    # Thresholds tuned on a "val" set are written and read back.
    evaluate(MLCF1Metric(save_thresholds=True, out_dir=str(tmp_path),
                         prefix='val'), data_samples(val_s, val_t))
    thr_file = tmp_path / 'val_thresholds.json'
    saved = json.loads(thr_file.read_text())
    tuned = tune_thresholds(val_s, val_t)
    np.testing.assert_allclose(saved['thresholds'], tuned)
    assert saved['classes'] == [f'c{i}' for i in range(C)]

    metric = MLCF1Metric(thresholds=str(thr_file), report_oracle=True)
    res = evaluate(metric, data_samples(scores, targets))
    plain = multilabel_f1(scores, targets, 0.5)
    val_tuned = multilabel_f1(scores, targets, tuned)
    oracle = multilabel_f1(scores, targets,
                           metric.tune_thresholds(scores, targets))
    for key in ('CP', 'CR', 'CF1', 'OP', 'OR', 'OF1', 'macro_f1'):
        assert res[f'multi-label/{key}'] == pytest.approx(plain[key] * 100)
        assert res[f'multi-label/tuned_{key}'] == pytest.approx(
            val_tuned[key] * 100)
        assert res[f'multi-label/oracle_{key}'] == pytest.approx(
            oracle[key] * 100)
    assert len(res) == 21
    assert res['multi-label/oracle_macro_f1'] >= res['multi-label/macro_f1']
    with pytest.raises(ValueError):
        evaluate(MLCF1Metric(thresholds=[0.5] * 3),
                 data_samples(scores, targets))


def test_registered_in_mlc_scope():
    assert isinstance(
        METRICS.build(dict(type='MLCAveragePrecision', many_thr=50)),
        MLCAveragePrecision)
    assert isinstance(METRICS.build(dict(type='MLCF1Metric')), MLCF1Metric)
