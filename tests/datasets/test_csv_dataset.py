"""The CSV label table: 1 / 0 / -1 / empty cells, one-line errors."""
import numpy as np
import pytest

from mlc.datasets import CSVDataset
from mlc.datasets.readers import CSVLabelError, read_csv_labels


def _write(tmp_path, text, name='t.csv'):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_cells_and_unlisted(tmp_path):
    path = _write(tmp_path, '\ufeffimage,cat,dog,bird\n'
                  'a.png,1,,\n\nb.png, 1 ,0,-1\n"c,1.png",0,0,1\n')
    names, classes, labels = read_csv_labels(path)
    assert names == ['a.png', 'b.png', 'c,1.png']
    assert classes == ('cat', 'dog', 'bird')
    assert labels.tolist() == [[1, -1, -1], [1, 0, -1], [0, 0, 1]]
    assert read_csv_labels(path, unlisted=0)[2].tolist() == [
        [1, 0, 0], [1, 0, -1], [0, 0, 1]]


@pytest.mark.parametrize('text, match', [
    ('', 'empty file'),
    ('image\na.png\n', 'header must be'),
    ('image,cat,cat\na.png,1,0\n', 'line 1: class "cat" is named twice'),
    ('image,cat\n', 'no image listed'),
    ('image,cat,dog\na.png,1\n', 'line 2: expected an image name and 2'),
    ('image,cat\na.png,1\na.png,0\n', 'line 3: image "a.png" is listed '
     'twice'),
    ('image,cat\na.png,yes\n', 'line 2: class "cat" of image "a.png" is '
     "'yes'"),
])
def test_errors_name_file_and_line(tmp_path, text, match):
    path = _write(tmp_path, text)
    with pytest.raises(CSVLabelError, match=match):
        read_csv_labels(path)


def test_dataset_reads_observed_negatives(tmp_path):
    path = _write(tmp_path, 'image,cat,dog\na.png,1,\nb.png,0,1\n')
    dataset = CSVDataset(ann_file=path, data_prefix=str(tmp_path),
                         pipeline=[])
    assert list(dataset.metainfo['classes']) == ['cat', 'dog']
    assert np.array_equal(dataset.label_store.observed(),
                          [[1, -1], [0, 1]])
    with pytest.raises(ValueError, match='unlisted must be -1 or 0'):
        CSVDataset(ann_file=path, unlisted=None)
