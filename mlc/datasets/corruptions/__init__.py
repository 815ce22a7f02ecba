"""Corruption toolkit: seeded, idempotent, pure functions
on the standard annotation dict. ``OPS`` maps op names to the functions that
map one annotation to one annotation (``split_holdout`` returns two files and
is not in it)."""
from .audit import audit
from .candidates import candidates_hierarchical, candidates_uniform
from .common import (
    OP_IDS,
    annotation_sha1,
    dumps_canonical,
    op_rng,
    save_annotation,
)
from .holdout import split_holdout
from .longtail import class_split, longtail_subsample
from .missing_labels import (
    drop_positives_hill,
    keep_entries,
    keep_positives_bernoulli,
    single_positive,
)
from .noise import inject_noise

OPS = {
    'drop_positives_hill': drop_positives_hill,
    'single_positive': single_positive,
    'keep_positives_bernoulli': keep_positives_bernoulli,
    'keep_entries': keep_entries,
    'inject_noise': inject_noise,
    'candidates_uniform': candidates_uniform,
    'candidates_hierarchical': candidates_hierarchical,
    'longtail_subsample': longtail_subsample,
}

__all__ = [
    'OPS', 'OP_IDS', 'annotation_sha1', 'audit', 'candidates_hierarchical',
    'candidates_uniform', 'class_split', 'drop_positives_hill',
    'dumps_canonical', 'inject_noise', 'keep_entries',
    'keep_positives_bernoulli', 'longtail_subsample', 'op_rng',
    'save_annotation', 'single_positive', 'split_holdout'
]
