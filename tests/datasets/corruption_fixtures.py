"""Annotations the corruption tests build: given or random positives per
image, and their dense label matrices."""
import numpy as np

from mlc.datasets.annotation import dense_labels


def make_ann(pos_lists, num_classes, unlisted=0, provenance=None,
             clean=False):
    """A multi-label annotation with the given positives per image."""
    data_list = []
    for i, pos in enumerate(pos_lists):
        entry = dict(img_path=f'{i:05d}.png', pos=list(pos), neg=[])
        if clean:
            entry['clean_pos'] = list(pos)
        data_list.append(entry)
    return dict(metainfo=dict(classes=[f'c{c}' for c in range(num_classes)],
                              task='multilabel', unlisted=unlisted,
                              provenance=list(provenance or [])),
                data_list=data_list)


def random_ann(num=20000, num_classes=10, num_pos=3, seed=0):
    """Fully observed images with ``num_pos`` random positives each."""
    rng = np.random.default_rng(seed)
    pos = [np.sort(rng.choice(num_classes, num_pos, replace=False)).tolist()
           for _ in range(num)]
    return make_ann(pos, num_classes)


def matrices(ann):
    observed, clean = dense_labels(ann)
    return observed, clean
