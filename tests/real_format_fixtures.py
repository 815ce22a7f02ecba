"""Writers of tiny fixtures in the real foreign formats (COCO instances JSON,
VOCdevkit XML, DB-loss and COMIC split files)."""
import json
import os
import os.path as osp
import pickle

import numpy as np

VOC = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat',
       'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person',
       'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor')


def write_coco(path, image_cats, cats=None, extra_images=(), anns_extra=()):
    """Instances JSON: ``image_cats`` maps image id -> list of
    (category id, bbox) or category ids; ``cats`` = {id: name}."""
    cats = cats or {7: 'seven', 1: 'one', 3: 'three'}
    images, anns = [], []
    for img_id in list(image_cats) + list(extra_images):
        images.append(dict(id=img_id, file_name=f'{img_id:012d}.jpg',
                           width=10, height=10))
    for img_id, items in image_cats.items():
        for item in items:
            cid, bbox = item if isinstance(item, tuple) else (item,
                                                             [0, 0, 5, 5])
            anns.append(dict(id=len(anns) + 1, image_id=img_id,
                             category_id=cid, bbox=bbox,
                             area=float(bbox[2] * bbox[3]), iscrowd=0))
    anns.extend(anns_extra)
    with open(path, 'w') as f:
        json.dump(dict(images=images, annotations=anns,
                       categories=[dict(id=k, name=v)
                                   for k, v in cats.items()]), f)
    return str(path)


def random_coco_pool(path, num_images=400, num_classes=80, seed=0):
    """A COCO-format file with ``num_classes`` categories and a long-tailed
    label distribution; returns (path, labels (N, C))."""
    rng = np.random.default_rng(seed)
    prior = 0.6 / np.arange(1, num_classes + 1) ** 0.7
    labels = rng.random((num_images, num_classes)) < prior
    labels[np.arange(num_images), rng.integers(0, num_classes,
                                               num_images)] = True
    cat_ids = [i * 2 + 1 for i in range(num_classes)]
    image_cats = {i + 1: [cat_ids[c] for c in np.flatnonzero(row)]
                  for i, row in enumerate(labels)}
    write_coco(path, image_cats, {cid: f'cat{cid}' for cid in cat_ids})
    return str(path), labels.astype(np.int8)


def write_voc(root, split, objects):
    """VOCdevkit folder: ``objects`` maps image id -> [(class, difficult)]."""
    os.makedirs(osp.join(root, 'ImageSets', 'Main'), exist_ok=True)
    os.makedirs(osp.join(root, 'Annotations'), exist_ok=True)
    with open(osp.join(root, 'ImageSets', 'Main', f'{split}.txt'), 'w') as f:
        f.write(''.join(f'{i}\n' for i in objects))
    for img_id, objs in objects.items():
        body = ''.join(
            f'<object><name>{n}</name><difficult>{int(d)}</difficult>'
            '</object>' for n, d in objs)
        with open(osp.join(root, 'Annotations', f'{img_id}.xml'), 'w') as f:
            f.write(f'<annotation><filename>{img_id}.jpg</filename>{body}'
                    '</annotation>')
    for name in VOC:
        with open(osp.join(root, 'ImageSets', 'Main',
                           f'{name}_{split}.txt'), 'w') as f:
            for img_id, objs in objects.items():
                flags = [d for n, d in objs if n == name]
                flag = -1 if not flags else (0 if all(flags) else 1)
                f.write(f'{img_id} {flag:2d}\n')
    return str(root)


def write_db_folder(folder, ids, labels, split, id_file='img_id.txt',
                    noise=None):
    """DB-loss folder (protocol-2 pickles, int64 sets like the originals).
    ``noise`` = (rate, noisy labels) adds ``class_freq_{r}noise.pkl``."""
    os.makedirs(folder, exist_ok=True)
    with open(osp.join(folder, id_file), 'w') as f:
        f.write(''.join(f'{i}\n' for i in ids))
    labels = np.asarray(labels, dtype=np.int64)
    freq = labels.sum(0)
    co = labels.T @ labels
    with open(osp.join(folder, 'class_freq.pkl'), 'wb') as f:
        pickle.dump(dict(gt_labels=list(labels), class_freq=freq,
                         neg_class_freq=len(labels) - freq,
                         condition_prob=co / np.maximum(np.diag(co), 1)[:,
                                                                      None]),
                    f, protocol=2)
    with open(osp.join(folder, 'class_split.pkl'), 'wb') as f:
        pickle.dump({k: {np.int64(c) for c in v} for k, v in split.items()},
                    f, protocol=2)
    if noise is not None:
        rate, noisy = noise
        noisy = np.asarray(noisy, dtype=np.int64)
        with open(osp.join(folder, f'class_freq_{rate}noise.pkl'),
                  'wb') as f:
            pickle.dump(dict(labels=list(noisy), clean_labels=list(labels),
                             class_freq=noisy.sum(0),
                             neg_class_freq=len(noisy) - noisy.sum(0)),
                        f, protocol=2)
    return str(folder)


#: Open Images fixture: (ImageID, Source, LabelName, Confidence) rows.
OPEN_IMAGES_ROWS = (
    ('000002b66c9c498e', 'verification', '/m/014j1m', '1'),
    ('000002b66c9c498e', 'verification', '/m/0cmf2', '0'),
    ('000002b66c9c498e', 'crowdsource-verified', '/m/05s2s', '1'),
    ('000002b66c9c498e', 'verification', '/m/0d4v4', '1'),  # not trainable
    ('0000048549557964', 'verification', '/m/0cmf2', '1'),
    ('0000048549557964', 'verification', '/m/0cmf2', '0'),  # positive wins
    ('00000c4b6e4c0f0a', 'verification', '/m/0d4v4', '1'),  # image dropped
    ('0000071d71a0a6f6', 'crowdsource-verified', '/m/05s2s', '0'),
)
#: Machine-generated rows of the fixture.
OPEN_IMAGES_MACHINE = (
    ('000002b66c9c498e', 'machine', '/m/0cmf2', '0.9'),  # human 0 wins
    ('0000048549557964', 'machine', '/m/014j1m', '0.7'),
    ('0000048549557964', 'machine', '/m/05s2s', '0.3'),  # below threshold
)


def write_open_images(folder, rows=OPEN_IMAGES_ROWS,
                      machine=OPEN_IMAGES_MACHINE) -> dict:
    """Image-level label CSVs (human, machine), class descriptions and the
    trainable list in the V6 formats; returns their paths."""
    os.makedirs(folder, exist_ok=True)
    paths = dict(
        ann_file=osp.join(folder, 'human-imagelabels.csv'),
        machine_file=osp.join(folder, 'machine-imagelabels.csv'),
        classes_file=osp.join(folder, 'class-descriptions.csv'),
        trainable_file=osp.join(folder, 'classes-trainable.txt'))
    for key, table in (('ann_file', rows), ('machine_file', machine)):
        with open(paths[key], 'w') as f:
            f.write('ImageID,Source,LabelName,Confidence\n')
            f.writelines(','.join(r) + '\n' for r in table)
    with open(paths['classes_file'], 'w') as f:
        f.write('LabelName,DisplayName\n/m/014j1m,Apple\n'
                '/m/0cmf2,Airplane\n/m/05s2s,"Plant, potted"\n'
                '/m/0d4v4,Window\n')
    with open(paths['trainable_file'], 'w') as f:
        f.write('/m/05s2s\n/m/014j1m\n/m/0cmf2\n')
    return paths
