"""The load skeleton shared by the datasets whose labels are dense arrays."""
import os.path as osp
from typing import Any, List, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import BaseDataset

from mlc.evaluation.functional.shot_groups import load_class_split
from .annotation import check_image_files


class DenseLabelDataset(BaseDataset):
    """Base of :class:`MLCDataset` and :class:`PLLDataset`.

    Labels live outside ``data_list``: :meth:`load_data_list` of a subclass
    parses them into per-row arrays and hands them, with the image names,
    to :meth:`samples_from`; each ``data_list`` entry keeps only its
    ``label_row`` and image key. :meth:`full_init` applies mmengine's
    filtering and ``indices`` subset, then passes the surviving rows to
    :meth:`init_labels`, where the subclass builds its label store and
    label statistics.

    Args:
        ann_file (str): Annotation file.
        data_root (str): Root joined to ``ann_file`` and ``data_prefix``.
        data_prefix (str | dict): Image folder, or ``dict(img_path=...)``.
        class_split (str | dict, optional): ``{"many", "medium", "few"}``
            class lists or a JSON file holding them (DB-style ``head``/
            ``middle``/``tail`` keys are accepted); stored as
            ``metainfo['class_split']``.
        check_images (bool): Check at start that every image file exists.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.
    """

    def __init__(self,
                 ann_file: str,
                 data_root: str = '',
                 data_prefix: Union[str, dict] = '',
                 class_split: Optional[Union[str, dict]] = None,
                 check_images: bool = False,
                 **kwargs) -> None:
        if isinstance(data_prefix, str):
            data_prefix = dict(img_path=data_prefix)
        self.class_split_cfg = class_split
        self.check_images = check_images
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=data_prefix,
            **kwargs)

    def _join_prefix(self) -> None:
        if self.data_root and not osp.isdir(self.data_root):
            raise FileNotFoundError(
                f'{type(self).__name__}: data_root "{self.data_root}" does not'
                ' exist (set data_root in the dataset config or with '
                '--cfg-options)')
        super()._join_prefix()

    def samples_from(self, metainfo: dict, names: Sequence[str],
                     indices: np.ndarray, labels: Any) -> List[dict]:
        """The ``data_list`` of a parsed file; keeps ``labels`` for
        :meth:`full_init` in ``self._loaded_labels``.

        Args:
            metainfo (dict): ``classes`` and optional ``source`` /
                ``provenance`` of the file.
            names (Sequence[str]): (N,) image names (relative to the image
                prefix); used where ``indices`` is negative.
            indices (np.ndarray): (N,) int array index of each image, -1
                for images read from files.
            labels: The subclass's per-row label arrays (each indexed by
                row in :meth:`init_labels`).

        Returns:
            list[dict]: ``{'label_row', 'img_index'}`` or
            ``{'label_row', 'img_path'}`` per image.
        """
        self._loaded_labels = labels
        self._metainfo.update(
            classes=tuple(metainfo['classes']),
            source=metainfo.get('source', ''),
            provenance=metainfo.get('provenance', []))
        prefix = self.data_prefix.get('img_path', '')
        data_list = []
        for row, (name, index) in enumerate(zip(names, indices.tolist())):
            if index >= 0:
                data_list.append({'label_row': row, 'img_index': index})
            else:
                data_list.append({'label_row': row,
                                  'img_path': osp.join(prefix, name)})
        if self.check_images:
            check_image_files(data_list, self.ann_file)
        return data_list

    def init_labels(self, rows: np.ndarray, labels: Any) -> None:
        """Keep the label rows ``rows`` (K,) of the loaded ``labels`` (as
        given to :meth:`samples_from`) for the K samples of the dataset."""
        raise NotImplementedError

    def full_init(self) -> None:
        """Load, filter, subset (``indices``) and serialise; then
        :meth:`init_labels` on the kept rows."""
        if self._fully_initialized:
            return
        self.data_list = self.load_data_list()
        self.data_list = self.filter_data()
        if self._indices is not None:
            self.data_list = self._get_unserialized_subset(self._indices)
        rows = np.array([d.pop('label_row') for d in self.data_list],
                        dtype=np.int64)
        labels = self._loaded_labels
        del self._loaded_labels
        if self.class_split_cfg is not None:
            self._metainfo['class_split'] = load_class_split(
                self.class_split_cfg, len(self._metainfo['classes']))
        self.init_labels(rows, labels)
        if self.serialize_data:
            self.data_bytes, self.data_address = self._serialize_data()
        self._fully_initialized = True
