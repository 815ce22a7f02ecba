"""Corruption toolkit, long-tail subsampling: the Pareto / exponential
reference profiles, exact and greedy counts, class-split thresholds."""
import numpy as np
from corruption_fixtures import make_ann, random_ann

from mlc.datasets.corruptions import class_split, longtail_subsample
from mlc.datasets.corruptions.longtail import exp_reference, pareto_reference


# -------------------------------------------------------------------- longtail
def test_pareto_reference_matches_db():
    # scipy.stats.pareto pdf at linspace(ppf(0), ppf(0.99)), VOC-MLT params
    ref = pareto_reference(20, n_max=800, n_min=1, b=6)
    assert ref[:5].tolist() == [800, 529, 359, 248, 175]
    assert ref[-3:].tolist() == [6, 5, 4]
    assert exp_reference(10, 1200, 50).tolist() == [
        1200, 776, 503, 325, 210, 136, 88, 57, 37, 24]


def test_longtail_exp_single_label_exact_counts():
    ann = make_ann([[c] for c in range(10) for _ in range(60)], 10)
    out = longtail_subsample(ann, profile='exp', n_max=50, rho=10, seed=0)
    counts = np.array(out['metainfo']['class_freq'])
    assert counts.tolist() == exp_reference(10, 50, 10).tolist()
    names = [e['img_path'] for e in out['data_list']]
    assert names == sorted(names)  # file order kept
    info = out['metainfo']['provenance'][-1]['info']
    assert info['rule'] == 'per-class subset'


def test_longtail_greedy():
    # one positive per image: P(j|i) = identity, equal masses, id order, and
    # the greedy fill meets every reference count exactly
    ann = make_ann([[c] for c in range(8) for _ in range(400)], 8)
    out = longtail_subsample(ann, profile='pareto', n_max=300, n_min=5, b=6)
    info = out['metainfo']['provenance'][-1]['info']
    assert info['rule'] == 'greedy' and info['rank'] == list(range(8))
    assert out['metainfo']['class_freq'] == info['reference'] == \
        pareto_reference(8, 300, 5, 6).tolist()
    # multi-label: the last visited class meets its target, others drift
    ann = random_ann(num=3000, num_classes=8, num_pos=2, seed=1)
    out = longtail_subsample(ann, profile='pareto', n_max=300, n_min=5, b=6)
    info = out['metainfo']['provenance'][-1]['info']
    counts = np.array(out['metainfo']['class_freq'])
    assert counts[info['rank'][-1]] == info['reference'][-1]
    assert counts.max() > 3 * counts.min()


def test_class_split_thresholds():
    ann = make_ann([[0]] * 150 + [[1]] * 100 + [[2]] * 99 + [[3]] * 20
                   + [[4]] * 19, 6)
    assert class_split(ann) == dict(many=[0, 1], medium=[2, 3], few=[4, 5])
    assert class_split(ann, many_min=99, few_max=21) == dict(
        many=[0, 1, 2], medium=[], few=[3, 4, 5])
