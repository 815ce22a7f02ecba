"""Classifiers (whole models)."""
from .comic_classifier import ComicClassifier

__all__ = ['ComicClassifier']
from .pu_mlc_classifier import PUMLCClassifier  # noqa: E402
__all__ += ['PUMLCClassifier']
from .co_learning_classifier import CoLearningClassifier  # noqa: E402
__all__ += ['CoLearningClassifier']
from .pll_classifier import PLLClassifier  # noqa: E402
__all__ += ['PLLClassifier']
