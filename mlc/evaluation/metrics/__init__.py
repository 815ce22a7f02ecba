"""mmengine metrics of mlc, registered in ``mlc.registry.METRICS``."""
from .branch_average_precision import BranchAveragePrecision
from .dump_predictions import DumpPredictions
from .labelled_average_precision import LabelledAveragePrecision
from .mlc_average_precision import MLCAveragePrecision
from .mlc_f1_metric import MLCF1Metric
from .pll_accuracy import PLLAccuracy

__all__ = [
    'BranchAveragePrecision', 'DumpPredictions', 'LabelledAveragePrecision',
    'MLCAveragePrecision',
    'MLCF1Metric', 'PLLAccuracy'
]
