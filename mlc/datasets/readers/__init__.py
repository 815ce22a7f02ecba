"""Readers of real annotation formats (COCO, VOC, list files, published
split files) producing labels for the standard annotation format."""
from .classes import (
    COCO_CLASSES,
    NUS_WIDE_CLASSES,
    VOC_CLASSES,
    resolve_classes,
)
from .coco import coco_labels
from .csv_file import CSVLabelError, read_csv_labels
from .list_file import ListFileError, list_to_dense, read_list_file
from .restricted_pickle import UnsafePickleError, safe_load_pickle
from .split_files import (
    read_class_dict,
    read_class_split_pkl,
    read_comic_folder,
    read_comic_json,
    read_cooccurrence,
    read_db_class_freq,
    read_db_folder,
    read_distribution,
    read_id_list,
)
from .standard import converter_provenance, dense_to_annotation, file_sha1
from .voc import voc_flag_labels, voc_xml_labels

__all__ = [
    'COCO_CLASSES', 'CSVLabelError', 'NUS_WIDE_CLASSES', 'VOC_CLASSES',
    'ListFileError', 'read_csv_labels',
    'coco_labels', 'converter_provenance', 'dense_to_annotation',
    'file_sha1', 'list_to_dense', 'read_class_dict', 'read_class_split_pkl',
    'read_comic_folder', 'read_comic_json', 'read_cooccurrence',
    'read_db_class_freq', 'read_db_folder', 'read_distribution',
    'read_id_list', 'read_list_file', 'resolve_classes', 'safe_load_pickle',
    'UnsafePickleError', 'voc_flag_labels',
    'voc_xml_labels'
]
