"""Data preprocessor that normalises every augmented view of a batch."""
from mmpretrain.models.utils import ClsDataPreprocessor

from mlc.registry import MODELS


@MODELS.register_module()
class MultiViewClsDataPreprocessor(ClsDataPreprocessor):
    """:class:`ClsDataPreprocessor` for multi-view batches.

    With mmpretrain ``MultiView`` in the pipeline each sample's ``inputs``
    is a list of V view tensors (collated into V lists of B tensors); the
    output ``inputs`` is then a list of V
    normalised (B, 3, H, W) tensors (view-major, the order of ``MultiView``'s
    transforms) that the model concatenates into one forward. Single-view
    batches (val/test) are processed as by :class:`ClsDataPreprocessor`.
    Data samples pass through unchanged apart from the parent's label
    handling, so ``candidates`` and ``sample_idx`` stay available.
    Batch Mixup/CutMix is refused: the PLL methods mix images themselves.
    """

    def __init__(self, *args, batch_augments=None, **kwargs) -> None:
        if batch_augments is not None:
            raise ValueError('MultiViewClsDataPreprocessor: batch_augments '
                             '(Mixup/CutMix) would mix each view differently;'
                             ' use the method\'s own mixup option')
        super().__init__(*args, **kwargs)

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data['inputs']
        if not (isinstance(inputs, (list, tuple)) and inputs
                and isinstance(inputs[0], (list, tuple))):
            return super().forward(data, training)
        # pseudo_collate transposes the per-sample view lists: ``inputs``
        # is V lists of B (3, H, W) tensors
        if len({len(x) for x in inputs}) != 1:
            raise ValueError('MultiViewClsDataPreprocessor: views of a batch '
                             'have different numbers of samples')
        views, out = [], None
        for view in inputs:
            out = super().forward(
                dict(inputs=list(view),
                     data_samples=data.get('data_samples')), training)
            views.append(out['inputs'])
        return dict(inputs=views, data_samples=out['data_samples'])
