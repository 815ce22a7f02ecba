"""Common base of the (N, C) tables held as per-row ranges of flat entries
(:class:`CandidateTable`, :class:`OverrideTable`)."""
from typing import Tuple

import torch
import torch.nn as nn

from .lazy_buffers import resize_buffers_from


def row_ranges(start: torch.Tensor, length: torch.Tensor
               ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Expand K row ranges ``[start[k], start[k] + length[k])`` of a flat
    entry array into one index per entry.

    Args:
        start (Tensor): (K,) int64 first entry of each row.
        length (Tensor): (K,) int64 number of entries of each row.

    Returns:
        tuple: (E,) output row ``k`` of every entry and (E,) its position
        in the flat array, E = ``length.sum()``, rows in order.
    """
    row_of = torch.repeat_interleave(
        torch.arange(start.numel(), device=start.device), length)
    first = length.cumsum(0) - length
    take = torch.arange(int(length.sum()), device=start.device) + \
        torch.repeat_interleave(start - first, length)
    return row_of, take


class SparseTable(nn.Module):
    """An (N, C) table held as flat entries (the ``values`` buffer of the
    subclass) plus a ``dims`` (2,) int64 = (N, C) buffer.

    Every buffer is sized when the table is filled; a table built empty is
    resized to the checkpoint's buffers before they are loaded.
    """

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer('dims', torch.zeros(2, dtype=torch.int64))

    @property
    def shape(self) -> Tuple[int, int]:
        """(N, C); (0, 0) until filled or loaded."""
        return tuple(int(d) for d in self.dims)

    @property
    def device(self) -> torch.device:
        return self.values.device

    def _load_from_state_dict(self, state_dict, prefix, *args,
                              **kwargs) -> None:
        resize_buffers_from(self, state_dict, prefix, list(self._buffers))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
