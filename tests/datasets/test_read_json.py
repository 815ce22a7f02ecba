"""read_json: the one JSON reader of the annotation readers."""
import pytest

from mlc.datasets.annotation import AnnotationError, read_json
from mlc.datasets.readers.any_format import annotation_format
from mlc.datasets.readers.coco import load_instances


def test_bom_is_dropped(tmp_path):
    path = tmp_path / 'a.json'
    path.write_bytes(b'\xef\xbb\xbf{"a": [1, 2]}')
    assert read_json(str(path)) == {'a': [1, 2]}


@pytest.mark.parametrize('reader', [read_json, annotation_format,
                                    load_instances])
def test_invalid_json_names_file_line_and_column(tmp_path, reader):
    path = tmp_path / 'bad.json'
    path.write_text('{\n  "a": 1,\n}\n')
    with pytest.raises(AnnotationError, match=r'^.*bad\.json: line 3, column '
                       r'1: invalid JSON \(Expecting property name enclosed '
                       r'in double quotes\)$'):
        reader(str(path))
