"""Dataset over the wide CSV label table ``image,<class names>``."""
import numpy as np

from mlc.registry import DATASETS
from .annotation_cache import ParsedAnnotation
from .mlc_dataset import MLCDataset
from .readers.csv_file import read_csv_labels


@DATASETS.register_module()
class CSVDataset(MLCDataset):
    """A multi-label CSV: the header names the classes, cells hold 1, 0, -1
    or nothing (:mod:`.readers.csv_file`).

    Empty cells take ``unlisted``: -1 (default; a table of observed labels
    where an empty cell is unknown) or 0 (an exhaustive table where an empty
    cell is a negative). Explicit ``0`` and ``-1`` cells keep their state.

    Args:
        ann_file (str): The CSV file.
        unlisted (int): State of empty cells (-1 or 0).
        **kwargs: :class:`MLCDataset` arguments (``data_prefix`` = image
            folder).
    """

    def __init__(self, ann_file: str, unlisted: int = -1, **kwargs) -> None:
        if unlisted is None:
            raise ValueError('CSVDataset: unlisted must be -1 or 0 (the '
                             'state of empty cells), got None')
        super().__init__(ann_file=ann_file, unlisted=unlisted, **kwargs)

    def parse_annotation(self) -> ParsedAnnotation:
        names, classes, labels = read_csv_labels(self.ann_file, self.unlisted)
        return ParsedAnnotation(
            metainfo=dict(classes=list(classes),
                          source=f'CSV {self.ann_file}', provenance=[]),
            names=names, indices=np.full(len(names), -1, np.int64),
            observed=labels)
