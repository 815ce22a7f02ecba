"""Class-name lists of the real benchmarks (list index = label index)."""
from ..annotation import AnnotationError, first_duplicate, read_lines

#: COCO 2014/2017 names in ascending category-id order (id 1 person … 90
#: toothbrush), the order of every benchmark in benchmarks.md.
COCO_CLASSES = (
    'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train',
    'truck', 'boat', 'traffic light', 'fire hydrant', 'stop sign',
    'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
    'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag',
    'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
    'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
    'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon',
    'bowl', 'banana', 'apple', 'sandwich', 'orange', 'broccoli', 'carrot',
    'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
    'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote',
    'keyboard', 'cell phone', 'microwave', 'oven', 'toaster', 'sink',
    'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear',
    'hair drier', 'toothbrush')

#: PASCAL VOC names in alphabetical order (aeroplane = 0 … tvmonitor = 19).
VOC_CLASSES = (
    'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat',
    'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person',
    'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor')

#: NUS-WIDE 81 concepts in alphabetical order (``Concepts81.txt``). That the
#: Hill/SPLC NUS lists index this order is [unverified]: pass the list's own
#: class file to the converter when you have it.
NUS_WIDE_CLASSES = (
    'airport', 'animal', 'beach', 'bear', 'birds', 'boats', 'book', 'bridge',
    'buildings', 'cars', 'castle', 'cat', 'cityscape', 'clouds', 'computer',
    'coral', 'cow', 'dancing', 'dog', 'earthquake', 'elk', 'fire', 'fish',
    'flags', 'flowers', 'food', 'fox', 'frost', 'garden', 'glacier', 'grass',
    'harbor', 'horses', 'house', 'lake', 'leaf', 'map', 'military', 'moon',
    'mountain', 'nighttime', 'ocean', 'person', 'plane', 'plants', 'police',
    'protest', 'railroad', 'rainbow', 'reflection', 'road', 'rocks',
    'running', 'sand', 'sign', 'sky', 'snow', 'soccer', 'sports', 'statue',
    'street', 'sun', 'sunset', 'surf', 'swimmers', 'tattoo', 'temple',
    'tiger', 'tower', 'town', 'toy', 'train', 'tree', 'valley', 'vehicle',
    'water', 'waterfall', 'wedding', 'whales', 'window', 'zebra')

PRESETS = dict(coco=COCO_CLASSES, voc=VOC_CLASSES, nus_wide=NUS_WIDE_CLASSES)


def resolve_classes(classes) -> tuple:
    """Class names from a preset name (``coco``, ``voc``, ``nus_wide``), a
    UTF-8 text file with one name per line (blank lines skipped), or a
    sequence of names. Names must be unique strings."""
    if isinstance(classes, str):
        key = classes.lower().replace('-', '_')
        if key in PRESETS:
            return PRESETS[key]
        numbered = [(n, line.strip()) for n, line in
                    enumerate(read_lines(classes), 1) if line.strip()]
        if not numbered:
            raise AnnotationError(f'{classes}: empty class-name file')
        names = tuple(name for _, name in numbered)
        dup = first_duplicate(names)
        if dup:
            raise AnnotationError(
                f'{classes}: "{names[dup[0]]}" is listed twice (lines '
                f'{numbered[dup[0]][0]} and {numbered[dup[1]][0]})')
        return names
    names = tuple(classes)
    if not names or set(map(type, names)) != {str}:
        raise ValueError('classes must be a preset name, a class-name file '
                         'or a non-empty sequence of strings, got '
                         f'{classes!r}')
    dup = first_duplicate(names)
    if dup:
        raise ValueError(f'class names must be unique: "{names[dup[0]]}" is '
                         'given twice')
    return names
