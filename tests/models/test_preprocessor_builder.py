"""The data preprocessor a model builds from its config."""
import mlc.models  # noqa: F401  registers the preprocessors
from mlc.models.utils import CoLearningDataPreprocessor, MLCDataPreprocessor
from mlc.models.utils.preprocessor_builder import build_data_preprocessor


def test_default_type_when_none():
    built = build_data_preprocessor(None, 'MLCDataPreprocessor')
    assert type(built) is MLCDataPreprocessor


def test_config_overrides_default():
    built = build_data_preprocessor(dict(type='CoLearningDataPreprocessor'),
                                    'MLCDataPreprocessor')
    assert type(built) is CoLearningDataPreprocessor


def test_module_passes_through():
    module = MLCDataPreprocessor()
    assert build_data_preprocessor(module, 'CoLearningDataPreprocessor') \
        is module
