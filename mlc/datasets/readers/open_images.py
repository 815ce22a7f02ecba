"""Reader of the Open Images image-level label files into sparse labels.

Files (V6 names): the label CSVs ``ImageID,Source,LabelName,Confidence``
(``oidv6-train-annotations-human-imagelabels.csv``, optionally
``train-annotations-machine-imagelabels.csv``), the class descriptions
``LabelName,DisplayName`` (``oidv6-class-descriptions.csv``) and the
trainable classes, one ``LabelName`` a line (``oidv6-classes-trainable.txt``).

Human-verified rows give Confidence 1 (positive) or 0 (negative); every
other (image, class) entry is unknown (-1): mlc's {1, 0, -1} convention.
Machine-generated rows (optional) carry a confidence in [0, 1]; those at or
above a threshold become positives where no human label exists, the others
stay unknown. Rows of classes outside the trainable list are dropped;
images are those with at least one kept row, sorted by ImageID.

The CSVs (60 M rows for V6 train) are parsed in byte blocks with numpy
(no per-row Python): ImageIDs (16 hex digits) become uint64, LabelNames
class ids through one sorted lookup.
"""
import csv
import os.path as osp
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..sparse_labels import SparseLabelStore, index_dtype

HEADER = b'ImageID,Source,LabelName,Confidence'
#: Bytes read at once (a block ends at the last newline it holds).
BLOCK_BYTES = 64 << 20
_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b'0123456789abcdef'):
    _HEX[_c] = _i
for _i, _c in enumerate(b'ABCDEF'):
    _HEX[_c] = 10 + _i


@dataclass
class OpenImagesLabels:
    """Parsed Open Images labels.

    Attributes:
        image_ids (np.ndarray): (N,) uint64 ImageIDs, ascending.
        store (SparseLabelStore): (N, C) labels, unknown = -1.
        classes (list[str]): C LabelNames (trainable-list order).
        display_names (list[str]): C DisplayNames.
    """
    image_ids: np.ndarray
    store: SparseLabelStore
    classes: List[str]
    display_names: List[str]


def image_id_str(image_id: int) -> str:
    """The 16-hex-digit ImageID string of a uint64 id."""
    return f'{int(image_id):016x}'


def read_class_descriptions(path: str) -> dict:
    """``{LabelName: DisplayName}`` of a class-descriptions CSV (with or
    without its ``LabelName,DisplayName`` header)."""
    names = {}
    with open(path, newline='', encoding='utf-8') as f:
        for line_no, row in enumerate(csv.reader(f), 1):
            if line_no == 1 and row == ['LabelName', 'DisplayName']:
                continue
            if len(row) != 2:
                raise ValueError(f'{path}:{line_no}: expected "LabelName,'
                                 f'DisplayName", got {row!r}')
            names[row[0]] = row[1]
    return names


def read_trainable(path: str) -> List[str]:
    """LabelNames of a trainable-classes list (one a line)."""
    with open(path, encoding='utf-8') as f:
        names = [line.strip() for line in f]
    names = [n for n in names if n]
    if len(set(names)) != len(names):
        raise ValueError(f'{path}: a LabelName is listed twice')
    return names


def parse_label_csv(path: str, classes: Sequence[str], human: bool = True
                    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of a label CSV whose LabelName is in ``classes``.

    Args:
        path (str): ``ImageID,Source,LabelName,Confidence`` CSV.
        classes (Sequence[str]): Kept LabelNames (column order).
        human (bool): Human-verified file (Confidence must be 0 or 1);
            else machine-generated (Confidence a float in [0, 1]).

    Returns:
        tuple: (R,) uint64 ImageIDs, (R,) int32 class ids and (R,) float32
        confidences of the kept rows, in file order.
    """
    table = _NameTable(classes)
    out_ids, out_cls, out_conf = [], [], []
    with open(path, 'rb') as f:
        header = f.readline()
        if header.rstrip(b'\r\n') != HEADER:
            raise ValueError(f'{path}:1: header must be '
                             f'"{HEADER.decode()}", got {header[:80]!r}')
        line_no, rest = 2, b''
        while True:
            block = f.read(BLOCK_BYTES)
            data = rest + block
            if not block:
                if data.strip():
                    data += b'\n'
                else:
                    break
            cut = data.rfind(b'\n') + 1
            data, rest = data[:cut], data[cut:]
            if not data:
                continue
            ids, cls, conf, num = _parse_block(data, path, line_no, table,
                                               human)
            out_ids.append(ids)
            out_cls.append(cls)
            out_conf.append(conf)
            line_no += num
            if not block:
                break
    if not out_ids:
        return (np.zeros(0, np.uint64), np.zeros(0, np.int32),
                np.zeros(0, np.float32))
    return (np.concatenate(out_ids), np.concatenate(out_cls),
            np.concatenate(out_conf))


def _parse_block(data: bytes, path: str, first_line: int,
                 table: '_NameTable', human: bool):
    """Kept rows of one block of whole lines (see parse_label_csv)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], ends[:-1] + 1))
    line_ends = ends - (buf[np.maximum(ends - 1, 0)] == 13)
    commas = np.flatnonzero(buf == 44)
    per_line = np.diff(np.searchsorted(commas, np.concatenate(([0], ends))))
    if (per_line != 3).any():
        bad = int(np.flatnonzero(per_line != 3)[0])
        raise ValueError(f'{path}:{first_line + bad}: expected 4 fields '
                         '"ImageID,Source,LabelName,Confidence", got '
                         f'{bytes(data[starts[bad]:ends[bad]])[:80]!r}')
    commas = commas.reshape(-1, 3)
    _check_lengths(commas[:, 0] - starts, 16, 'ImageID', data, starts, ends,
                   path, first_line)
    digits = _HEX[buf[starts[:, None] + np.arange(16)]]
    if (digits == 255).any():
        bad = int(np.flatnonzero((digits == 255).any(1))[0])
        raise ValueError(f'{path}:{first_line + bad}: ImageID is not 16 hex '
                         f'digits: {bytes(data[starts[bad]:ends[bad]])!r}')
    # two hex digits a byte, read as one big-endian uint64
    packed = (digits[:, 0::2] << 4) | digits[:, 1::2]
    ids = packed.view('>u8').ravel().astype(np.uint64)
    cls = table.lookup(buf, commas[:, 1] + 1, commas[:, 2])
    conf = _confidence(buf, data, commas[:, 2] + 1, line_ends, starts, ends,
                       path, first_line, human)
    keep = cls >= 0
    return ids[keep], cls[keep], conf[keep], len(ends)


def _check_lengths(lengths, expected, what, data, starts, ends, path,
                   first_line) -> None:
    if (lengths != expected).any():
        bad = int(np.flatnonzero(lengths != expected)[0])
        raise ValueError(f'{path}:{first_line + bad}: {what} must have '
                         f'{expected} characters: '
                         f'{bytes(data[starts[bad]:ends[bad]])[:80]!r}')


def _fixed_width(buf: np.ndarray, starts: np.ndarray, stops: np.ndarray,
                 width: int) -> np.ndarray:
    """(R, width) uint8 bytes of buf[starts:stops], zero-padded (longer
    fields cut)."""
    lengths = np.minimum(stops - starts, width)
    cols = np.arange(width)
    pos = np.minimum(starts[:, None] + cols, len(buf) - 1)
    return np.where(cols < lengths[:, None], buf[pos], 0).astype(np.uint8)


class _NameTable:
    """LabelName -> class id through a sorted uint64 hash of the
    zero-padded bytes (matches are then checked word by word)."""

    def __init__(self, classes: Sequence[str]) -> None:
        encoded = [c.encode() for c in classes]
        self.width = -(-max(len(c) for c in encoded) // 8) * 8
        chars = np.zeros((len(encoded), self.width), np.uint8)
        for i, name in enumerate(encoded):
            chars[i, :len(name)] = np.frombuffer(name, np.uint8)
        words = chars.view('<u8')
        keys = _hash(words)
        self.order = np.argsort(keys)
        self.keys, self.words = keys[self.order], words[self.order]
        if (self.keys[1:] == self.keys[:-1]).any():
            raise ValueError('two class names share a hash; cannot index '
                             'them')

    def lookup(self, buf, starts, stops) -> np.ndarray:
        """Class id of each field buf[starts:stops], -1 if not a class."""
        words = _fixed_width(buf, starts, stops, self.width).view('<u8')
        pos = np.minimum(np.searchsorted(self.keys, _hash(words)),
                         len(self.keys) - 1)
        found = ((self.words[pos] == words).all(1)
                 & (stops - starts <= self.width))
        return np.where(found, self.order[pos], -1).astype(np.int32)


def _hash(words: np.ndarray) -> np.ndarray:
    """(R,) uint64 mix of (R, K) uint64 words (wrapping arithmetic)."""
    key = np.zeros(len(words), np.uint64)
    with np.errstate(over='ignore'):
        for k in range(words.shape[1]):
            key = (key * np.uint64(0x9E3779B97F4A7C15)) ^ words[:, k]
    return key


def _confidence(buf, data, starts, stops, line_starts, line_ends, path,
                first_line, human) -> np.ndarray:
    lengths = stops - starts
    if human:
        char = buf[np.minimum(starts, len(buf) - 1)]
        bad = (lengths != 1) | ((char != 48) & (char != 49))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f'{path}:{first_line + k}: human-verified Confidence must be '
                '0 or 1, got '
                f'{bytes(data[line_starts[k]:line_ends[k]])[:80]!r}')
        return (char == 49).astype(np.float32)
    text = _fixed_width(buf, starts, stops, 16).view('S16').ravel()
    try:
        conf = text.astype(np.float32)
    except ValueError as err:
        raise ValueError(f'{path}: a Confidence is not a number '
                         f'({err})') from None
    bad = ~((conf >= 0) & (conf <= 1))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        line = bytes(data[line_starts[k]:line_ends[k]])
        raise ValueError(f'{path}:{first_line + k}: Confidence must lie in '
                         f'[0, 1]: {line!r}')
    return conf


def read_open_images(label_csv: str, classes_csv: str, trainable: str,
                     machine_csv: Optional[str] = None,
                     machine_threshold: float = 0.5) -> OpenImagesLabels:
    """Sparse Open Images labels of the trainable classes.

    Args:
        label_csv (str): Human-verified image-level labels CSV.
        classes_csv (str): Class descriptions CSV.
        trainable (str): Trainable classes list (defines the columns).
        machine_csv (str, optional): Machine-generated labels CSV; its rows
            with Confidence >= ``machine_threshold`` become positives where
            no human label exists (the others stay unknown).
        machine_threshold (float): See ``machine_csv``.

    Returns:
        OpenImagesLabels: Labels of the images with a kept row.
    """
    for path in (label_csv, classes_csv, trainable, machine_csv):
        if path is not None and not osp.isfile(path):
            raise FileNotFoundError(f'Open Images file not found: {path}')
    descriptions = read_class_descriptions(classes_csv)
    classes = read_trainable(trainable)
    missing = [c for c in classes if c not in descriptions]
    if missing:
        raise ValueError(f'{trainable}: {len(missing)} trainable classes are '
                         f'not in {classes_csv}, e.g. {missing[0]!r}')
    ids, cls, conf = parse_label_csv(label_csv, classes, human=True)
    values = conf.astype(np.int8)
    priority = np.ones(len(ids), dtype=np.int8)
    if machine_csv is not None:
        m_ids, m_cls, m_conf = parse_label_csv(machine_csv, classes,
                                               human=False)
        keep = m_conf >= machine_threshold
        ids = np.concatenate((ids, m_ids[keep]))
        cls = np.concatenate((cls, m_cls[keep]))
        values = np.concatenate((values, np.ones(int(keep.sum()), np.int8)))
        priority = np.concatenate((priority,
                                   np.zeros(int(keep.sum()), np.int8)))
    del conf
    image_ids, rows = np.unique(ids, return_inverse=True)
    del ids
    store = _to_store(rows.astype(np.int64), cls, values, priority,
                      len(image_ids), len(classes))
    return OpenImagesLabels(image_ids, store, classes,
                            [descriptions[c] for c in classes])


def _to_store(rows: np.ndarray, cls: np.ndarray, values: np.ndarray,
              priority: np.ndarray, num_rows: int,
              num_classes: int) -> SparseLabelStore:
    """CSR of (row, class, value) triples; for a repeated (row, class) the
    human row (priority 1) wins over a machine row, and among human rows a
    positive wins over a negative."""
    key = rows * num_classes + cls
    del rows
    # ascending key, the winning row (human before machine, then positive
    # before negative) first within each key: one int64 sort
    rank = (1 - priority.astype(np.int64)) * 2 + (1 - values)
    order = np.argsort(key * 4 + rank, kind='stable')
    del rank
    key, values = key[order], values[order]
    del order
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, values = key[first], values[first]
    row_of = key // num_classes
    indices = (key - row_of * num_classes).astype(index_dtype(num_classes))
    del key
    indptr = np.zeros(num_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of, minlength=num_rows), out=indptr[1:])
    return SparseLabelStore(indptr, indices, values, num_classes, fill=-1,
                            check=False)
