"""Label-issue scoring, ranking, folds, evaluation and correction."""
import copy
import json

import numpy as np
import pytest
import torch

from mlc.datasets import MLCDataset
from mlc.datasets.annotation import dense_labels, load_annotation
from mlc.evaluation.label_issues import (
    class_thresholds,
    corrected_annotation,
    flagged_images,
    image_scores,
    issue_margins,
    method_evidence,
    precision_recall_at,
    rank_issues,
    stratified_folds,
    true_issues,
)
from mlc.evaluation.label_issues.ranking_metrics import issue_report
from mlc.evaluation.metrics import DumpPredictions


def logit(p):
    return np.log(p / (1 - p))


# class 0: observed positives at p .9, .8 and a spurious one at .1;
# class 1 (rare, low base rate): one positive at .4, a missing one at .3
PROBS = np.array([[.9, .05], [.8, .05], [.1, .4], [.2, .3], [.3, .02]],
                 dtype=np.float32)
OBSERVED = np.array([[1, 0], [1, -1], [1, 1], [0, -1], [-1, 0]],
                    dtype=np.int8)


def test_thresholds_and_margins_by_hand():
    # pooled: positives .9 .8 .1 .4; others .05 .05 .2 .3 .3 .02
    t_pos, t_neg = class_thresholds(PROBS, OBSERVED)
    np.testing.assert_allclose(t_pos, [.55, .55], rtol=1e-6)
    np.testing.assert_allclose(t_neg, [.92 / 6] * 2, rtol=1e-6)
    # per class (the per-class summary)
    t_pos, t_neg = class_thresholds(PROBS, OBSERVED, per_class=True)
    np.testing.assert_allclose(t_pos, [.6, .4], rtol=1e-6)
    np.testing.assert_allclose(t_neg, [.25, (.05 + .05 + .3 + .02) / 4],
                               rtol=1e-6)
    margins = issue_margins(PROBS, OBSERVED)
    assert margins.dtype == np.float32 and margins.shape == PROBS.shape
    # spurious candidate (observed 1): logit(t_neg) - logit(p)
    np.testing.assert_allclose(margins[2, 0], logit(.92 / 6) - logit(.1),
                               rtol=1e-5)
    # missing candidate (observed 0/-1): logit(p) - logit(t_pos)
    np.testing.assert_allclose(margins[3, 1], logit(.3) - logit(.55),
                               rtol=1e-5)
    np.testing.assert_allclose(margins[4, 0], logit(.3) - logit(.55),
                               rtol=1e-5)


def test_ranking_is_known():
    margins = issue_margins(PROBS, OBSERVED)
    issues = rank_issues(margins, OBSERVED)
    # flagged: (2, 0) spurious (p .1 < t_neg .153) and nothing else
    # confidently positive (no unlabelled p above t_pos .55)
    assert list(zip(issues['row'], issues['col'], issues['kind'])) == [
        (2, 0, 'spurious')]
    everything = rank_issues(margins, OBSERVED, min_margin=-np.inf)
    missing = [(r, c) for r, c, k in zip(everything['row'],
                                         everything['col'],
                                         everything['kind'])
               if k == 'missing']
    # within a kind the order is the self-confidence's: p .3 (twice, a
    # stable tie), .2, .05, .02
    probs = [float(PROBS[r, c]) for r, c in missing]
    assert probs == sorted(probs, reverse=True)
    assert everything['rank'][everything['kind'] == 'missing'].tolist() == \
        list(range(1, len(missing) + 1))
    # image score: EMA (alpha .8) of the sorted suspicions, by hand for
    # row 2 (two observed positives at p .1 and .4: suspicions .9, .6)
    thresholds = class_thresholds(PROBS, OBSERVED)
    np.testing.assert_allclose(
        image_scores(margins, OBSERVED, thresholds)[2], .8 * .9 + .2 * .6,
        rtol=1e-5)
    np.testing.assert_array_equal(flagged_images(margins),
                                  [False, False, True, False, False])


def test_image_score_is_cleanlabs_quality_in_suspicion_form():
    """1 - cleanlab's EMA multi-label quality (independent implementation:
    per-class self-confidence sorted ascending, the lowest weighted most)."""
    rng = np.random.default_rng(3)
    probs = rng.random((20, 5))
    observed = rng.integers(0, 2, (20, 5)).astype(np.int8)
    thresholds = class_thresholds(probs, observed)
    ours = image_scores(issue_margins(probs, observed, thresholds), observed,
                        thresholds)
    quality = np.where(observed == 1, probs, 1 - probs)
    q = np.sort(quality, axis=1)[:, ::-1]  # largest first
    ema = q[:, 0]
    for k in range(1, q.shape[1]):
        ema = .8 * q[:, k] + .2 * ema  # the lowest quality weighs .8
    np.testing.assert_allclose(ours, 1 - ema, rtol=1e-4, atol=1e-5)


def test_blocks_give_the_same_margins():
    rng = np.random.default_rng(0)
    probs = rng.random((53, 7)).astype(np.float32)
    observed = rng.integers(-1, 2, (53, 7)).astype(np.int8)
    whole = issue_margins(probs, observed)
    np.testing.assert_array_equal(
        issue_margins(probs, observed, block=4), whole)
    for a, b in zip(class_thresholds(probs, observed, block=5),
                    class_thresholds(probs, observed)):
        np.testing.assert_allclose(a, b)


def test_evidence_raises_contradicted_labels():
    memory = OBSERVED.copy()
    memory[3, 1] = 1  # the method corrected the missing positive
    evidence, keys = method_evidence(
        {'label_memory.a': torch.from_numpy(memory),
         'backbone.w': torch.zeros(3)}, OBSERVED)
    assert keys == ['label_memory.a']
    assert evidence.sum() == 1 and evidence[3, 1] == 1
    plain = issue_margins(PROBS, OBSERVED)
    boosted = issue_margins(PROBS, OBSERVED, evidence=evidence,
                            evidence_weight=2.)
    np.testing.assert_allclose(boosted - plain, 2. * evidence, rtol=1e-5)
    with pytest.raises(ValueError, match='not trained on this annotation'):
        method_evidence({'label_memory.a': torch.zeros(2, 2)}, OBSERVED)


def test_stratified_folds():
    rng = np.random.default_rng(1)
    observed = (rng.random((103, 6)) < [.5, .5, .3, .1, .05, .03]).astype(
        np.int8)
    folds = stratified_folds(observed, 4, seed=3)
    np.testing.assert_array_equal(folds, stratified_folds(observed, 4, 3))
    sizes = np.bincount(folds)
    assert sizes.max() - sizes.min() <= 1
    # the two rarest classes (3 positives each) are dealt evenly; every
    # class with at least 4 positives is in every fold
    for c in (4, 5):
        assert np.bincount(folds[observed[:, c] == 1], minlength=4).max() == 1
    for c in range(4):
        assert (np.bincount(folds[observed[:, c] == 1], minlength=4)
                > 0).all()
    with pytest.raises(ValueError, match='--folds'):
        stratified_folds(observed, 1)


def test_precision_recall_by_hand():
    hits = np.array([1, 0, 1, 1, 0], bool)
    out = precision_recall_at(hits, 4, [1, 2, 4, 10])
    assert out['P@1'] == 1 and out['P@2'] == .5 and out['P@4'] == .75
    assert out['R@4'] == .75 and out['P@10'] == .6
    assert out['precision'] == .6 and out['recall'] == .75


def test_issue_report_counts_true_issues():
    clean = np.array([[1, 0], [1, 1], [0, 1], [0, 1], [1, 0]], np.int8)
    truth = true_issues(OBSERVED, clean)
    assert truth['missing'].sum() == 3  # (1, 1), (3, 1), (4, 0)
    assert truth['spurious'].sum() == 1  # (2, 0)
    margins = issue_margins(PROBS, OBSERVED)
    img = image_scores(margins, OBSERVED, class_thresholds(PROBS, OBSERVED))
    rep = issue_report(margins, margins > 0, OBSERVED, clean, [1], img,
                       flagged_images(margins))
    assert rep['spurious']['P@1'] == 1 and rep['spurious']['recall'] == 1
    assert rep['missing']['true'] == 3 and rep['image']['true'] == 4


def test_pointed_images_need_the_top_label_right():
    # image 0: a true missing label (col 1) but the top suspicion is col 0
    # (a correct positive); image 1: top suspicion is its true issue
    observed = np.array([[1, 0], [0, 0], [1, 0]], np.int8)
    clean = np.array([[1, 1], [1, 0], [1, 0]], np.int8)
    margins = np.array([[.9, .5], [.8, .1], [.0, .2]])
    image_score = np.array([.9, .8, .2])
    flagged = np.array([True, True, False])
    rep = issue_report(margins, margins > .3, observed, clean, [1, 2, 3],
                       image_score, flagged)
    assert rep['image']['P@2'] == 1  # both ranked images have an issue
    pointed = rep['image_pointed']
    assert pointed['P@1'] == 0 and pointed['P@2'] == .5
    assert pointed['true'] == 2 and pointed['flagged'] == 2
    assert pointed['precision'] == .5 and pointed['recall'] == .5


def test_score_collector_keeps_each_sample_once(tmp_path):
    metric = DumpPredictions(str(tmp_path / 's.npz'), with_targets=False)
    rows = [(2, [.1, .2]), (0, [.3, .4]), (1, [.5, .6]), (2, [.1, .2])]
    metric.process(None, [dict(sample_idx=i, pred_score=torch.tensor(p))
                          for i, p in rows])
    metric.compute_metrics(metric.results)
    with np.load(tmp_path / 's.npz') as data:
        np.testing.assert_array_equal(data['sample_idx'], [0, 1, 2])
        assert data['pred_score'].dtype == np.float32
        np.testing.assert_allclose(data['pred_score'][2], [.1, .2])
        assert 'gt_score' not in data


def _annotation(unlisted):
    return dict(metainfo=dict(classes=['a', 'b', 'c'], task='multilabel',
                              unlisted=unlisted, provenance=[]),
                data_list=[
                    dict(img_path='x.png', pos=[0], neg=[] if unlisted == 0
                         else [1], clean_pos=[0, 2]),
                    dict(img_path='y.png', pos=[1, 2], neg=[],
                         clean_pos=[2])])


@pytest.mark.parametrize('unlisted', [-1, 0])
@pytest.mark.parametrize('spurious_to', ['unknown', 'negative'])
def test_corrected_annotation_round_trips(tmp_path, unlisted, spurious_to):
    ann = _annotation(unlisted)
    before = copy.deepcopy(ann)
    issues = dict(row=np.array([0, 1]), col=np.array([2, 1]),
                  kind=np.array(['missing', 'spurious']),
                  score=np.array([2., 1.], np.float32))
    fixed, changes = corrected_annotation(ann, issues, spurious_to,
                                          dict(k=1), 'f' * 40)
    assert ann == before  # input untouched
    path = tmp_path / 'fixed.json'
    from mlc.datasets.corruptions import save_annotation
    save_annotation(str(path), fixed)
    observed, clean = dense_labels(load_annotation(str(path)), str(path))
    old, _ = dense_labels(before)
    expected = old.copy()
    expected[0, 2] = 1
    expected[1, 1] = -1 if spurious_to == 'unknown' else 0
    np.testing.assert_array_equal(observed, expected)
    np.testing.assert_array_equal(clean, [[1, 0, 1], [0, 0, 1]])
    prov = json.loads(path.read_text())['metainfo']['provenance'][-1]
    assert prov['op'] == 'find_label_issues'
    assert prov['input_sha1'] == 'f' * 40 and prov['params'] == {'k': 1}
    assert prov['info']['changes'] == [[0, 'x.png', 'c', old[0, 2], 1, 2.0],
                                       [1, 'y.png', 'b', 1,
                                        int(expected[1, 1]), 1.0]]
    assert [c['new'] for c in changes] == [1, int(expected[1, 1])]
    (tmp_path / 'x.png').write_bytes(b'')
    dataset = MLCDataset(ann_file=str(path), data_prefix=str(tmp_path))
    np.testing.assert_array_equal(dataset.label_store.observed(), expected)
    assert dataset.metainfo['provenance'][-1]['op'] == 'find_label_issues'


def test_cleanlab_reference_flags_a_blatant_error():
    pytest.importorskip('cleanlab', reason='cleanlab (optional) is not '
                        'installed')
    from mlc.evaluation.label_issues.cleanlab_reference import (
        cleanlab_images,
        cleanlab_pairs,
    )
    rng = np.random.default_rng(0)
    clean = (rng.random((60, 3)) < .4).astype(np.int8)
    probs = np.clip(clean * .8 + .1 + rng.normal(0, .03, clean.shape), 0,
                    1).astype(np.float32)
    observed = clean.copy()
    observed[5, 1] = 1 - observed[5, 1]
    probs[5, 1] = .99 if clean[5, 1] else .01  # more confident than average
    suspicion, flagged = cleanlab_pairs(probs, observed)
    assert flagged[5, 1] and flagged.sum() == 1
    assert np.unravel_index(suspicion.argmax(), suspicion.shape) == (5, 1)
    img_s, img_f = cleanlab_images(probs, observed)
    assert img_f[5] and img_s.argmax() == 5


def test_retarget_replaces_every_training_dataset(tmp_path):
    from mlc.evaluation.label_issues import retarget
    pipeline = [dict(type='LoadImageFromFile')]

    def ds(name):
        return dict(type='MLCDataset', data_root=str(tmp_path),
                    ann_file=f'{name}.json', data_prefix='images',
                    pipeline=pipeline)

    cfg = dict(
        train_dataloader=dict(dataset=dict(type='StitchUpDataset',
                                           dataset=ds('train'))),
        # a second training loader (co-learning) must follow, else the
        # fold model would see the held-out images
        train_cfg=dict(dataloader_b=dict(dataset=dict(
            type='StitchUpDataset', dataset=dict(ds('train'), indices=5)))),
        test_dataloader=dict(dataset=ds('test')))
    fold = str(tmp_path / 'fold0.json')
    assert retarget(cfg, str(tmp_path / 'train.json'), fold) == 2
    for new in (cfg['train_dataloader']['dataset']['dataset'],
                cfg['train_cfg']['dataloader_b']['dataset']['dataset']):
        assert new == dict(type='MLCDataset', ann_file=fold, data_root='',
                           data_prefix=dict(img_path=str(tmp_path /
                                                         'images')),
                           pipeline=pipeline)
    assert cfg['test_dataloader']['dataset'] == ds('test')
