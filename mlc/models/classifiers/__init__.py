"""Classifiers (whole models)."""
from .co_learning_classifier import CoLearningClassifier
from .comic_classifier import ComicClassifier
from .pll_classifier import PLLClassifier
from .pu_mlc_classifier import PUMLCClassifier

__all__ = [
    'CoLearningClassifier', 'ComicClassifier', 'PLLClassifier',
    'PUMLCClassifier'
]
