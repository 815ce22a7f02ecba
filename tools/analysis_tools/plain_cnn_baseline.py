"""Plain-PyTorch CNN reference for a multi-label image set (no mlc model).

A small CNN (3 conv blocks, global max pooling, linear), BCE, Adam, on the
images as they are stored (grayscale, native size, no augmentation). Trains
on ``train.json`` (the observed ``pos``; everything else negative), keeps the
epoch with the best val mAP, reports its test mAP (``clean_pos`` where the
file has it, else ``pos``; sklearn's ``average_precision_score`` per class,
classes without a positive left out) as one JSON line on stdout::

    OMP_NUM_THREADS=1 python tools/analysis_tools/plain_cnn_baseline.py \\
        data/digitmosaic/shifted/full --seed 0
"""
import argparse
import json
import os.path as osp
from typing import List, Tuple

import numpy as np
import torch
from PIL import Image
from sklearn.metrics import average_precision_score
from torch import nn


def load_split(folder: str, split: str,
               key: str) -> Tuple[torch.Tensor, torch.Tensor]:
    """(N, 1, H, W) float images in [0, 1] and (N, C) 0/1 float targets."""
    path = osp.join(folder, f'{split}.json')
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such annotation file')
    with open(path, encoding='utf-8') as f:
        ann = json.load(f)
    entries, num_classes = ann['data_list'], len(ann['metainfo']['classes'])
    images = np.stack([np.asarray(Image.open(osp.join(
        folder, e['img_path'])).convert('L')) for e in entries])
    targets = np.zeros((len(entries), num_classes), dtype=np.float32)
    for i, e in enumerate(entries):
        if 'pos' not in e:
            raise ValueError(f'{path}: data_list[{i}] has no "pos" (not a '
                             'multi-label annotation)')
        targets[i, e.get(key, e['pos'])] = 1
    return (torch.from_numpy((images[:, None] / 255).astype(np.float32)),
            torch.from_numpy(targets))


def mean_ap(scores: np.ndarray, targets: np.ndarray) -> float:
    """Mean over classes with a positive of the average precision, x100."""
    keep = targets.sum(0) > 0
    return 100 * float(np.mean([average_precision_score(
        targets[:, c], scores[:, c]) for c in np.flatnonzero(keep)]))


def make_cnn(num_classes: int, width: int) -> nn.Module:
    """(N, 1, H, W) -> (N, C) logits, any H, W >= 4."""
    def block(cin: int, cout: int) -> List[nn.Module]:
        return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout),
                nn.ReLU()]
    return nn.Sequential(
        *block(1, width), nn.MaxPool2d(2), *block(width, 2 * width),
        nn.MaxPool2d(2), *block(2 * width, 4 * width),
        nn.AdaptiveMaxPool2d(1), nn.Flatten(),
        nn.Linear(4 * width, num_classes))


@torch.no_grad()
def predict(model: nn.Module, images: torch.Tensor) -> np.ndarray:
    """(N, C) logits of the model in eval mode."""
    model.eval()
    return torch.cat([model(x) for x in images.split(256)]).numpy()


def run(folder: str, epochs: int, seed: int, width: int, lr: float,
        batch_size: int) -> dict:
    torch.manual_seed(seed)
    x_train, y_train = load_split(folder, 'train', 'pos')
    x_val, y_val = load_split(folder, 'val', 'clean_pos')
    x_test, y_test = load_split(folder, 'test', 'clean_pos')
    model = make_cnn(y_train.shape[1], width)
    optim = torch.optim.Adam(model.parameters(), lr=lr)
    best = (-1.0, 0, None)
    for epoch in range(1, epochs + 1):
        model.train()
        for idx in torch.randperm(len(x_train)).split(batch_size):
            loss = nn.functional.binary_cross_entropy_with_logits(
                model(x_train[idx]), y_train[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
        val_map = mean_ap(predict(model, x_val), y_val.numpy())
        if val_map > best[0]:
            best = (val_map, epoch, mean_ap(predict(model, x_test),
                                            y_test.numpy()))
    return dict(folder=folder, seed=seed, epochs=epochs, best_epoch=best[1],
                val_mAP=round(best[0], 2), mAP=round(best[2], 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('folder', help='folder of {train,val,test}.json; '
                        'image paths are relative to it')
    parser.add_argument('--epochs', type=int, default=10)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--width', type=int, default=16,
                        help='channels of the first conv (then x2, x4)')
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--batch-size', type=int, default=64)
    args = parser.parse_args()
    try:
        result = run(args.folder, args.epochs, args.seed, args.width,
                     args.lr, args.batch_size)
    except (FileNotFoundError, KeyError, ValueError) as err:
        parser.exit(1, f'plain_cnn_baseline: error: {err}\n')
    print(json.dumps(result))


if __name__ == '__main__':
    main()
