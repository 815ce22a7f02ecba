"""Data preprocessor that keeps unknown (-1) targets intact."""
from mmpretrain.models.utils import ClsDataPreprocessor

from mlc.registry import MODELS


@MODELS.register_module()
class MLCDataPreprocessor(ClsDataPreprocessor):
    """:class:`ClsDataPreprocessor` for targets in {1, 0, -1}.

    Stacks ``gt_score`` unchanged (so unknowns stay -1 up to the loss) and
    refuses batch augmentations (Mixup/CutMix), which would blend -1 into
    meaningless soft targets.
    """

    def __init__(self, *args, batch_augments=None, **kwargs) -> None:
        if batch_augments is not None:
            raise ValueError(
                'MLCDataPreprocessor: batch_augments (Mixup/CutMix) mix '
                'targets and would blend unknown (-1) labels; use a method '
                'that handles mixing itself (e.g. PU-MLC) instead')
        super().__init__(*args, **kwargs)
