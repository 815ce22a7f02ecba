"""The shared row-range expansion of the sparse label tables."""
import torch

from mlc.models.utils.sparse_table import row_ranges


def test_row_ranges_hand_computed():
    """Rows [5, 7), [0, 0) and [2, 5): entries in row order."""
    row_of, take = row_ranges(torch.tensor([5, 0, 2]),
                              torch.tensor([2, 0, 3]))
    assert row_of.tolist() == [0, 0, 2, 2, 2]
    assert take.tolist() == [5, 6, 2, 3, 4]


def test_row_ranges_empty():
    row_of, take = row_ranges(torch.zeros(0, dtype=torch.int64),
                              torch.zeros(0, dtype=torch.int64))
    assert row_of.numel() == 0 and take.numel() == 0
