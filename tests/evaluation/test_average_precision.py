"""Per-class AP, mAP and shot groups against scikit-learn and by hand."""
import importlib
import json

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from mlc.evaluation.functional import (
    average_precision,
    class_freq_from_ann_file,
    group_map,
    group_of_classes,
    load_class_split,
    mean_average_precision,
    split_from_class_freq,
)

# The package re-exports the function under the module's name.
ap_module = importlib.import_module(
    'mlc.evaluation.functional.average_precision')


def random_problem(seed: int, n: int = 400, c: int = 9, unknown: float = 0.0,
                   decimals: int = 6):
    """Scores rounded to ``decimals`` (few decimals = many ties) and
    targets in {1, 0, -1} with a fraction ``unknown`` of -1."""
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random((n, c)), decimals).astype(np.float32)
    targets = (rng.random((n, c)) < rng.uniform(0.05, 0.5, c)).astype(
        np.float32)
    targets[rng.random((n, c)) < unknown] = -1
    return scores, targets


def sklearn_ap(scores, targets):
    """(C,) sklearn AP on the non-ignored entries; NaN without positives."""
    out = []
    for c in range(scores.shape[1]):
        keep = targets[:, c] != -1
        y = targets[keep, c]
        out.append(average_precision_score(y, scores[keep, c])
                   if y.sum() > 0 else np.nan)
    return np.asarray(out)


def test_hand_computed_without_ties():
    ap, num_pos = average_precision([[0.9], [0.8], [0.7], [0.6]],
                                    [[1], [0], [1], [0]])
    # positives at ranks 1 and 3: (1/1 + 2/3) / 2
    assert ap[0] == pytest.approx(5 / 6)
    assert num_pos.tolist() == [2]


def test_hand_computed_with_ties_and_unknown():
    scores = [[0.95], [0.9], [0.8], [0.8], [0.1]]
    targets = [[-1], [1], [1], [0], [1]]
    ap, num_pos = average_precision(scores, targets)
    # thresholds 0.9 (P 1, R 1/3), 0.8 (P 2/3, R 2/3), 0.1 (P 3/4, R 1);
    # the ignored top entry changes nothing.
    assert ap[0] == pytest.approx((1 + 2 / 3 + 3 / 4) / 3)
    assert ap[0] == pytest.approx(29 / 36)
    assert num_pos.tolist() == [3]


@pytest.mark.parametrize('seed,decimals', [(0, 6), (1, 2), (2, 1)])
def test_matches_sklearn(seed, decimals):
    scores, targets = random_problem(seed, decimals=decimals)
    ap, num_pos = average_precision(scores, targets)
    np.testing.assert_allclose(ap, sklearn_ap(scores, targets), atol=1e-12)
    np.testing.assert_array_equal(num_pos, (targets == 1).sum(0))


def test_tie_grouping_differs_from_rank_formula():
    """With ties the result is the tie-grouped one (sklearn), not the
    order-dependent rank formula."""
    scores = np.array([[0.5], [0.5]])
    targets = np.array([[0], [1]])
    ap, _ = average_precision(scores, targets)
    assert ap[0] == pytest.approx(0.5)
    ap_rev, _ = average_precision(scores[::-1], targets[::-1])
    assert ap_rev[0] == pytest.approx(0.5)


@pytest.mark.parametrize('seed', [3, 4])
def test_unknown_entries_ignored(seed):
    scores, targets = random_problem(seed, unknown=0.3, decimals=2)
    ap, num_pos = average_precision(scores, targets)
    np.testing.assert_allclose(ap, sklearn_ap(scores, targets), atol=1e-12)
    # Changing the scores of ignored entries changes nothing.
    rng = np.random.default_rng(seed)
    moved = np.where(targets == -1, rng.random(scores.shape), scores)
    np.testing.assert_allclose(average_precision(moved, targets)[0], ap,
                               atol=1e-12)


def test_empty_class_excluded_and_counted():
    scores, targets = random_problem(5, c=6, unknown=0.1)
    targets[:, 2] = np.where(targets[:, 2] == 1, 0, targets[:, 2])
    targets[:, 4] = -1
    ap, num_pos = average_precision(scores, targets)
    assert np.isnan(ap[[2, 4]]).all() and not np.isnan(ap[[0, 1, 3, 5]]).any()
    assert num_pos[2] == num_pos[4] == 0
    mAP, num_empty = mean_average_precision(ap)
    assert num_empty == 2
    expected = sklearn_ap(scores, targets)[[0, 1, 3, 5]].mean() * 100
    assert mAP == pytest.approx(expected)


def test_all_classes_empty():
    ap, _ = average_precision(np.random.rand(5, 3), np.zeros((5, 3)))
    mAP, num_empty = mean_average_precision(ap)
    assert np.isnan(mAP) and num_empty == 3


def test_column_chunks_give_same_result(monkeypatch):
    scores, targets = random_problem(6, n=300, c=11, unknown=0.2, decimals=2)
    full, _ = average_precision(scores, targets)
    monkeypatch.setattr(ap_module, '_MAX_CHUNK_ENTRIES', 700)
    chunked, _ = average_precision(scores, targets)
    np.testing.assert_array_equal(chunked, full)


def test_invalid_inputs_raise():
    with pytest.raises(ValueError):
        average_precision(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError):
        average_precision(np.array([[np.nan]]), np.array([[1]]))
    with pytest.raises(ValueError):
        average_precision(np.zeros((2, 1)), np.array([[2], [0]]))


def test_load_class_split_aliases_and_json(tmp_path):
    db_style = {'head': {4, 6}, 'middle': [1], 'tail': (0, 2, 3)}
    split = load_class_split(db_style, num_classes=7)
    assert split == {'many': [4, 6], 'medium': [1], 'few': [0, 2, 3]}
    path = tmp_path / 'class_split.json'
    path.write_text(json.dumps({'many': [2, 0], 'medium': [1], 'few': []}))
    assert load_class_split(str(path)) == {
        'many': [0, 2], 'medium': [1], 'few': []}
    with pytest.raises(ValueError):
        load_class_split({'many': [0], 'few': [0]})
    with pytest.raises(ValueError):
        load_class_split({'many': [5]}, num_classes=5)
    with pytest.raises(KeyError):
        load_class_split({'rare': [0]})


def test_split_from_class_freq_thresholds():
    freq = [1200, 100, 99, 20, 19, 0]
    assert split_from_class_freq(freq) == {
        'many': [0, 1], 'medium': [2, 3], 'few': [4, 5]}
    assert split_from_class_freq(freq, many_thr=50, few_thr=10) == {
        'many': [0, 1, 2], 'medium': [3, 4], 'few': [5]}
    with pytest.raises(ValueError):
        split_from_class_freq(freq, many_thr=10, few_thr=20)


def test_group_map_consistent_with_total():
    scores, targets = random_problem(7, c=10, unknown=0.2)
    ap, _ = average_precision(scores, targets)
    assert not np.isnan(ap).any()
    split = {'many': [0, 1, 2], 'medium': [3, 4, 5, 6], 'few': [7, 8, 9]}
    groups = group_map(ap, split)
    mAP, _ = mean_average_precision(ap)
    total = sum(g['size'] * g['mAP'] for g in groups.values()) / 10
    assert total == pytest.approx(mAP)
    assert groups['few']['mAP'] == pytest.approx(ap[7:].mean() * 100)
    assert [groups[g]['size'] for g in ('many', 'medium', 'few')] == [3, 4, 3]


def test_group_map_skips_empty_classes():
    ap = np.array([0.5, np.nan, 0.7, np.nan])
    groups = group_map(ap, {'many': [0, 1], 'medium': [2], 'few': [3]})
    assert groups['many'] == dict(mAP=pytest.approx(50.0), size=2,
                                  num_empty=1)
    assert np.isnan(groups['few']['mAP']) and groups['few']['num_empty'] == 1
    assert group_of_classes({'many': [0, 1], 'medium': [2], 'few': []},
                            4) == ['many', 'many', 'medium', '']


def test_class_freq_from_ann_file(tmp_path):
    ann = dict(metainfo=dict(classes=['a', 'b', 'c'], task='multilabel'),
               data_list=[dict(img_path='x.png', pos=[0, 2], neg=[1]),
                          dict(img_path='y.png', pos=[2], neg=[])])
    path = tmp_path / 'train.json'
    path.write_text(json.dumps(ann))
    assert class_freq_from_ann_file(str(path)).tolist() == [1, 0, 2]
