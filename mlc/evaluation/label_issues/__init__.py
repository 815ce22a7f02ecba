"""Label-issue reports: which (image, class) labels to re-annotate first.

Pure scoring and ranking functions (:mod:`.scoring`), their evaluation
against clean labels (:mod:`.ranking_metrics`), K-fold splitting
(:mod:`.folds`) (the scores are collected by ``DumpPredictions``),
the method's own evidence (:mod:`.evidence`), the corrected annotation
(:mod:`.correction`) and the contact sheet (:mod:`.contact_sheet`). The
command line is ``tools/analysis_tools/find_label_issues.py``.
"""
from .contact_sheet import SheetItem, contact_sheet
from .correction import SPURIOUS_TO, corrected_annotation
from .dataset_config import (
    annotation_source,
    innermost_dataset,
    on_annotation,
    retarget,
)
from .evidence import method_evidence
from .folds import stratified_folds
from .ranking_metrics import pair_hits, precision_recall_at, true_issues
from .scoring import (
    MISSING,
    SPURIOUS,
    class_thresholds,
    flagged_images,
    image_scores,
    issue_margins,
    per_class_summary,
    rank_issues,
)

__all__ = [
    'MISSING', 'SPURIOUS', 'SPURIOUS_TO', 'SheetItem',
    'annotation_source', 'class_thresholds', 'contact_sheet',
    'corrected_annotation', 'flagged_images', 'image_scores',
    'innermost_dataset', 'issue_margins', 'method_evidence', 'on_annotation',
    'pair_hits', 'per_class_summary', 'precision_recall_at', 'rank_issues',
    'retarget', 'stratified_folds', 'true_issues'
]
