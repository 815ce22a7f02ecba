"""The synthetic Open Images V6 files of ``open_images_scale.py`` (the
published shape: human-verified label CSV, class descriptions, trainable
classes; nothing is downloaded) and the ``OpenImages`` dataset over them."""
import os
import os.path as osp

import numpy as np

NUM_CLASSES = 19957
NUM_TRAINABLE = 9605
SOURCES = (b'verification', b'crowdsource-verified')
LABEL_CSV = 'oidv6-train-annotations-human-imagelabels.csv'
CLASSES_CSV = 'oidv6-class-descriptions.csv'
TRAINABLE_TXT = 'oidv6-classes-trainable.txt'


def class_names(rng: np.random.Generator) -> np.ndarray:
    """19,957 distinct MID-like LabelNames (``/m/`` + 2-7 chars)."""
    alphabet = np.frombuffer(b'0123456789bcdfghjklmnpqrstvwxyz_',
                             dtype=np.uint8)
    names = set()
    while len(names) < NUM_CLASSES:
        length = int(rng.integers(2, 8))
        names.add('/m/0' + bytes(rng.choice(alphabet, length)).decode())
    return np.array(sorted(names))


def generate(out: str, num_images: int, labels_per_image: float,
             seed: int = 0) -> None:
    """Write the three synthetic files into ``out``."""
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    names = class_names(rng)
    freq_rank = rng.permutation(NUM_CLASSES)  # class of frequency rank r
    prob = 1.0 / np.arange(1, NUM_CLASSES + 1) ** 0.9
    cdf = np.cumsum(prob / prob.sum())
    with open(osp.join(out, CLASSES_CSV), 'w') as f:
        f.write('LabelName,DisplayName\n')
        for i, name in enumerate(names):
            f.write(f'{name},"Class {i}, synthetic"\n')
    with open(osp.join(out, TRAINABLE_TXT), 'w') as f:
        f.write('\n'.join(sorted(names[freq_rank[:NUM_TRAINABLE]])) + '\n')
    ids = np.unique(rng.integers(0, 2**63, size=num_images + 1000,
                                 dtype=np.int64).astype(np.uint64))
    ids = ids[:num_images]
    width = max(len(n) for n in names)
    name_bytes = np.zeros((NUM_CLASSES, width), np.uint8)
    for i, name in enumerate(names):
        name_bytes[i, :len(name)] = np.frombuffer(name.encode(), np.uint8)
    src_bytes = np.zeros((2, 20), np.uint8)
    for i, src in enumerate(SOURCES):
        src_bytes[i, :len(src)] = np.frombuffer(src, np.uint8)
    hex_digits = np.frombuffer(b'0123456789abcdef', np.uint8)
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    rows = 0
    with open(osp.join(out, LABEL_CSV), 'wb') as f:
        f.write(b'ImageID,Source,LabelName,Confidence\n')
        for start in range(0, len(ids), 500_000):
            chunk = ids[start:start + 500_000]
            count = np.maximum(rng.poisson(labels_per_image, len(chunk)), 1)
            img = np.repeat(chunk, count)
            n = len(img)
            cls = freq_rank[np.minimum(np.searchsorted(cdf, rng.random(n)),
                                       NUM_CLASSES - 1)]
            digits = hex_digits[((img[:, None] >> shifts) & np.uint64(15))
                                .astype(np.int64)]
            comma = np.full((n, 1), ord(','), np.uint8)
            conf = np.where(rng.random(n) < 0.6, ord('1'), ord('0'))
            line = np.concatenate(
                (digits, comma, src_bytes[rng.integers(0, 2, n)], comma,
                 name_bytes[cls], comma, conf[:, None].astype(np.uint8),
                 np.full((n, 1), 10, np.uint8)), axis=1)
            f.write(line[line != 0].tobytes())
            rows += n
    print(f'wrote {rows} label rows of {len(ids)} images to {out}')


def files(folder: str) -> dict:
    """The ``OpenImages`` file arguments of the files in ``folder``."""
    return dict(ann_file=osp.join(folder, LABEL_CSV),
                classes_file=osp.join(folder, CLASSES_CSV),
                trainable_file=osp.join(folder, TRAINABLE_TXT),
                cache_dir=osp.join(folder, 'cache'))


def dataset(folder: str, **kwargs):
    """The ``OpenImages`` dataset of the files in ``folder``."""
    from mlc.datasets import OpenImages
    return OpenImages(**files(folder), **kwargs)
