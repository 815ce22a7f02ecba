"""Synchronisation of per-sample state across ranks.

Protocol: docs/conventions.md section 8.
"""
from typing import Tuple

import torch
import torch.distributed as torch_dist
from mmengine.dist import all_reduce, get_world_size, is_distributed


def all_gather_rows(indices: torch.Tensor, rows: torch.Tensor
                    ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Gather per-sample updates of every rank, in rank order.

    Uneven sizes are padded before ``all_gather`` and the padding dropped
    after; the result is in rank order, identical on every rank. Before an
    indexed write, pass it through :func:`keep_last` so that the last
    writer in rank order wins on every device. A single process returns its
    inputs.

    Args:
        indices (Tensor): (K,) int64 sample indices of this rank.
        rows (Tensor): (K, ...) rows to write at those indices.

    Returns:
        tuple: (sum K over ranks,) indices and (sum K, ...) rows.
    """
    if not is_distributed():
        return indices, rows
    world = get_world_size()
    count = torch.tensor([indices.numel()], device=indices.device)
    counts = [torch.zeros_like(count) for _ in range(world)]
    torch_dist.all_gather(counts, count)
    counts = [int(c) for c in counts]
    longest = max(counts)
    pad = longest - indices.numel()
    padded_idx = torch.cat([indices, indices.new_zeros(pad)])
    padded_rows = torch.cat([rows, rows.new_zeros((pad, *rows.shape[1:]))])
    all_idx = [torch.empty_like(padded_idx) for _ in range(world)]
    all_rows = [torch.empty_like(padded_rows) for _ in range(world)]
    torch_dist.all_gather(all_idx, padded_idx)
    torch_dist.all_gather(all_rows, padded_rows)
    return (torch.cat([i[:n] for i, n in zip(all_idx, counts)]),
            torch.cat([r[:n] for r, n in zip(all_rows, counts)]))


def keep_last(indices: torch.Tensor, rows: torch.Tensor
              ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Drop all but the last occurrence of each index.

    ``table[indices] = rows`` with repeated indices is undefined on GPUs;
    after this it is not.

    Args:
        indices (Tensor): (K,) int64 indices.
        rows (Tensor): (K, ...) rows.

    Returns:
        tuple: The (K',) unique indices and their (K', ...) rows, in their
        original order.
    """
    if indices.numel() == 0:
        return indices, rows
    # a stable sort groups equal indices in their original order; the last
    # of each group is kept (O(K log K), whatever the largest index)
    ordered, position = indices.sort(stable=True)
    is_last = torch.ones_like(ordered, dtype=torch.bool)
    is_last[:-1] = ordered[1:] != ordered[:-1]
    if bool(is_last.all()):
        return indices, rows
    keep = torch.zeros_like(is_last)
    keep[position[is_last]] = True
    return indices[keep], rows[keep]


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    """Sum a tensor (sums, counts, histograms) over ranks, in place."""
    if is_distributed():
        all_reduce(tensor, op='sum')
    return tensor
