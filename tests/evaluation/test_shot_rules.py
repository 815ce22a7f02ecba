"""Shot groups by count, rank or quantile; training counts from every
annotation format the datasets read."""
import json

import numpy as np
import pytest

from mlc.evaluation import MLCAveragePrecision
from mlc.evaluation.functional import (
    class_freq_from_ann_file,
    split_by_rank,
    split_from_counts,
)

FREQ = [50, 3, 8, 8, 1, 30]


def test_rank_rule_by_hand():
    # ranks (most first, ties by index): 0, 5, 2, 3, 1, 4
    assert split_by_rank(FREQ, 1 / 3, 1 / 3, 'rank') == {
        'many': [0, 5], 'medium': [2, 3], 'few': [1, 4]}
    assert split_by_rank(FREQ, 0.5, 0.2, 'rank') == {
        'many': [0, 2, 5], 'medium': [1, 3], 'few': [4]}


def test_quantile_rule_by_hand():
    # sorted counts 1 3 8 8 30 50: q(1/3) = 3 + (8-3) * 2/3 = 6.33,
    # q(2/3) = 8 + (30-8) * 1/3 = 15.33
    assert split_by_rank(FREQ, 1 / 3, 1 / 3, 'quantile') == {
        'many': [0, 5], 'medium': [2, 3], 'few': [1, 4]}
    # tied counts share a group: q(0.5) of [1, 1, 1, 9] = 1
    assert split_by_rank([1, 9, 1, 1], 0.25, 0.5, 'quantile')['few'] == [
        0, 2, 3]


def test_count_rule_leaves_no_few_class_on_a_small_set():
    assert split_from_counts([500, 300, 200, 150], 'count')['few'] == []
    assert split_from_counts([500, 300, 200, 150], 'rank')['few'] == [3]
    with pytest.raises(ValueError, match='shot rule'):
        split_from_counts(FREQ, 'ranks')
    with pytest.raises(ValueError, match='sum to at most 1'):
        split_by_rank(FREQ, 0.7, 0.5)


def _coco(path):
    cats = [dict(id=3, name='a'), dict(id=10, name='b'), dict(id=42,
                                                            name='c')]
    images = [dict(id=i, file_name=f'{i}.png') for i in range(3)]
    anns = [dict(id=1, image_id=0, category_id=42),
            dict(id=2, image_id=1, category_id=42),
            dict(id=3, image_id=2, category_id=3)]
    path.write_text(json.dumps(dict(images=images, annotations=anns,
                                    categories=cats)))
    return str(path)


def test_train_counts_from_every_format(tmp_path):
    coco = _coco(tmp_path / 'instances.json')
    assert class_freq_from_ann_file(coco).tolist() == [1, 0, 2]
    csv = tmp_path / 't.csv'
    csv.write_text('image,a,b,c\n0.png,1,0,\n1.png,,,1\n2.png,1,-1,1\n')
    assert class_freq_from_ann_file(str(csv)).tolist() == [2, 0, 2]
    lst = tmp_path / 't.txt'
    lst.write_text('0.png,2\n1.png,0 2\n')
    assert class_freq_from_ann_file(str(lst)).tolist() == [1, 0, 2]
    assert class_freq_from_ann_file(str(lst), 4).tolist() == [1, 0, 2, 0]
    with pytest.raises(ValueError, match='3 classes, predictions have 4'):
        class_freq_from_ann_file(coco, 4)


def test_metric_takes_a_coco_train_file_and_logs_the_rule(tmp_path,
                                                          monkeypatch):
    from mlc.evaluation.metrics import mlc_average_precision as module
    logged = []
    monkeypatch.setattr(module, 'print_log',
                        lambda msg, **kw: logged.append(msg))
    metric = MLCAveragePrecision(
        train_ann_file=_coco(tmp_path / 'instances.json'), shot_rule='rank',
        out_dir=str(tmp_path))
    split, source = metric.resolve_class_split(3)
    assert split == {'many': [2], 'medium': [0], 'few': [1]}
    assert source == ('train_ann_file counts, rank rule: top 0.333 of '
                      'classes many, bottom 0.333 few')
    count = MLCAveragePrecision(train_ann_file=_coco(tmp_path / 'i.json'))
    assert count.resolve_class_split(3)[0]['many'] == []
    assert 'no many/medium-shot class under the count rule' in logged[-1]
    assert "shot_rule='rank'" in logged[-1]
    scores = np.array([[.9, .1, .8], [.2, .7, .1]])
    metric.results = [dict(pred_score=s, gt_score=t, sample_idx=i)
                      for i, (s, t) in enumerate(zip(
                          scores, np.array([[1., 0, 1], [0, 1, 0]])))]
    assert metric.evaluate(2)['multi-label/mAP_few'] == pytest.approx(100.)
