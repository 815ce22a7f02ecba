"""mmengine metrics of mlc, registered in ``mlc.registry.METRICS``."""
from .dump_predictions import DumpPredictions
from .mlc_average_precision import MLCAveragePrecision
from .mlc_f1_metric import MLCF1Metric

__all__ = ['DumpPredictions', 'MLCAveragePrecision', 'MLCF1Metric']
from .pll_accuracy import PLLAccuracy  # noqa: E402
__all__ += ['PLLAccuracy']
from .branch_average_precision import BranchAveragePrecision  # noqa: E402
__all__ += ['BranchAveragePrecision']
