"""Data preprocessor of Stitch-Up pairs and dual (random/balanced) batches."""
from mlc.registry import MODELS
from .data_preprocessor import MLCDataPreprocessor

BRANCHES = ('random', 'balanced')


@MODELS.register_module()
class CoLearningDataPreprocessor(MLCDataPreprocessor):
    """:class:`MLCDataPreprocessor` that also takes

    - Stitch-Up pairs: ``inputs`` collated from ``[anchor, partner]`` items
      (``StitchUpDataset``), i.e. ``[anchors, partners]``; both are
      normalised alike and returned as ``inputs`` and ``partner_inputs``;
    - a dual batch ``dict(random=batch_R, balanced=batch_B)`` from
      ``DualLoaderEpochBasedTrainLoop``: batch R is returned at the top
      level, batch B processed the same way under ``balanced``.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        if 'random' in data or 'balanced' in data:
            if set(data) != set(BRANCHES):
                raise KeyError('CoLearningDataPreprocessor: a dual batch '
                               f'has keys {BRANCHES}, got {sorted(data)}')
            out = self._one(data['random'], training)
            out['balanced'] = self._one(data['balanced'], training)
            return out
        return self._one(data, training)

    def _one(self, data: dict, training: bool) -> dict:
        inputs = data['inputs']
        pairs = isinstance(inputs, (list, tuple)) and len(inputs) > 0 and \
            isinstance(inputs[0], (list, tuple))
        if not pairs:
            return super().forward(data, training)
        if len(inputs) != 2:
            raise ValueError('CoLearningDataPreprocessor: Stitch-Up items '
                             'must be [anchor, partner] pairs')
        num = len(inputs[0])
        out = super().forward(
            dict(inputs=list(inputs[0]) + list(inputs[1]),
                 data_samples=data.get('data_samples')), training)
        out['partner_inputs'] = out['inputs'][num:]
        out['inputs'] = out['inputs'][:num]
        return out
