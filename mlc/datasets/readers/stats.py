"""Statistics of a label matrix (``tools/analysis_tools/dataset_stats.py``
and the builders' summaries)."""
from typing import Dict, List, Optional, Sequence

import numpy as np


def label_statistics(observed: Optional[np.ndarray],
                     classes: Sequence[str],
                     class_split: Optional[Dict[str, List[int]]] = None,
                     class_counts: Optional[Sequence[int]] = None,
                     num_images: Optional[int] = None) -> dict:
    """Counts of an annotation.

    Args:
        observed (np.ndarray, optional): (N, C) labels in {1, 0, -1}; None
            when only per-class counts are known (COMIC ``class.txt``).
        classes (Sequence[str]): C class names.
        class_split (dict, optional): ``{many, medium, few}`` class lists.
        class_counts (Sequence[int], optional): Per-class positives when
            ``observed`` is None.
        num_images (int, optional): N when ``observed`` is None.

    Returns:
        dict: ``num_images``, ``num_classes``, ``num_positive``,
        ``num_negative``, ``num_unknown``, ``labels_per_image``,
        ``class_counts``, ``images_without_positive``,
        ``positives_per_image_hist`` and ``split_sizes`` (head, medium,
        tail) when a split is known. Unknown quantities are None.
    """
    if observed is not None:
        pos = observed == 1
        counts = pos.sum(0)
        num = observed.shape[0]
        stats = dict(
            num_images=int(num), num_classes=len(classes),
            num_positive=int(pos.sum()),
            num_negative=int((observed == 0).sum()),
            num_unknown=int((observed == -1).sum()),
            images_without_positive=int((pos.sum(1) == 0).sum()),
            positives_per_image_hist=np.bincount(pos.sum(1)).tolist())
    else:
        counts = np.asarray(class_counts, dtype=np.int64)
        num = num_images
        stats = dict(num_images=num, num_classes=len(classes),
                     num_positive=int(counts.sum()), num_negative=None,
                     num_unknown=None, images_without_positive=None,
                     positives_per_image_hist=None)
    stats['labels_per_image'] = (float(stats['num_positive'] / num)
                                 if num else None)
    stats['class_counts'] = {str(c): int(n) for c, n in zip(classes, counts)}
    stats['max_count'] = int(counts.max()) if len(counts) else 0
    stats['min_count'] = int(counts.min()) if len(counts) else 0
    if class_split is not None:
        stats['split_sizes'] = dict(
            head=len(class_split['many']), medium=len(class_split['medium']),
            tail=len(class_split['few']))
        stats['class_split'] = class_split
    return stats


def format_statistics(stats: dict, title: str = '') -> str:
    """Human-readable multi-line summary of :func:`label_statistics`."""
    lines = [title] if title else []
    lines.append(f"images {stats['num_images']}, classes "
                 f"{stats['num_classes']}, positives {stats['num_positive']}"
                 f", negatives {stats['num_negative']}, unknowns "
                 f"{stats['num_unknown']}")
    if stats['labels_per_image'] is not None:
        lines.append(f"labels per image {stats['labels_per_image']:.3f}; "
                     f"max/min count {stats['max_count']}/"
                     f"{stats['min_count']}; images without positive "
                     f"{stats['images_without_positive']}")
    if 'split_sizes' in stats:
        sizes = stats['split_sizes']
        lines.append(f"head/medium/tail {sizes['head']}/{sizes['medium']}/"
                     f"{sizes['tail']}")
    lines.append('class counts: ' + ', '.join(
        f'{c} {n}' for c, n in stats['class_counts'].items()))
    return '\n'.join(lines)
