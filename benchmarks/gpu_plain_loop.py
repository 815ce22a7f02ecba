"""The baseline of ``gpu_throughput.py``: a plain PyTorch training loop on
the same files (``torchvision.io`` decoding, ``transforms.v2``,
torchvision's ResNet, BCE)."""
import argparse
import json
import os.path as osp
from typing import Dict, Tuple

import torch
import torch.nn.functional as F
import torchvision
from gpu_meter import Meter
from gpu_recipes import RECIPES, TOY_SIDE
from synthetic_coco import NUM_CLASSES
from torch.utils.data import DataLoader, Dataset
from torchvision.io import decode_jpeg, read_file
from torchvision.transforms import v2


class PlainJPEGs(Dataset):
    """The synthetic set read with ``torchvision.io`` + ``transforms.v2``."""

    def __init__(self, root: str, side: int) -> None:
        with open(osp.join(root, 'train.json')) as f:
            data = json.load(f)['data_list']
        self.paths = [osp.join(root, 'images', d['img_path']) for d in data]
        self.targets = torch.zeros(len(data), NUM_CLASSES)
        for i, d in enumerate(data):
            self.targets[i, d['pos']] = 1
        self.transform = v2.Compose([
            v2.Resize((side, side), antialias=True),
            v2.RandomHorizontalFlip()])

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, idx: int) -> Tuple[torch.Tensor, torch.Tensor]:
        img = decode_jpeg(read_file(self.paths[idx]))
        return self.transform(img), self.targets[idx]


def run_plain(recipe: str, data_root: str, batch: int,
              args: argparse.Namespace) -> Dict[str, float]:
    """Time a plain PyTorch loop: torchvision decoding, ResNet + BCE."""
    _, side, arch, frozen = RECIPES[recipe]
    side = TOY_SIDE if args.toy else side
    cuda = torch.cuda.is_available()
    device = torch.device('cuda' if cuda else 'cpu')
    loader = DataLoader(
        PlainJPEGs(data_root, side), batch_size=batch, shuffle=True,
        num_workers=args.workers, persistent_workers=args.workers > 0,
        pin_memory=cuda, drop_last=True)
    model = getattr(torchvision.models, arch)(num_classes=NUM_CLASSES)
    if frozen:
        for name, param in model.named_parameters():
            param.requires_grad_(name.startswith('fc.'))
    model = model.to(device).train()
    memory_format = (torch.channels_last if args.channels_last
                     else torch.contiguous_format)
    model = model.to(memory_format=memory_format)
    optimizer = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=1e-4)
    scaler = torch.amp.GradScaler(device.type, enabled=cuda)
    mean = torch.tensor([123.675, 116.28, 103.53], device=device)
    std = torch.tensor([58.395, 57.12, 57.375], device=device)
    meter = Meter(args.warmup, args.iters)
    while True:
        for images, targets in loader:
            started = meter.fetched()
            x = images.to(device, non_blocking=True).float()
            x = ((x - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1))
            x = x.contiguous(memory_format=memory_format)
            y = targets.to(device, non_blocking=True)
            with torch.autocast(device.type, enabled=cuda):
                loss = F.binary_cross_entropy_with_logits(model(x).float(),
                                                          y)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            if meter.finished(started, images.shape[0]):
                return dict(meter.result(), batch=batch)
