"""keep_last: the last occurrence of each index wins (deterministic writes)."""
import torch

from mlc.utils.dist import keep_last


def test_keep_last_matches_a_sequential_write():
    gen = torch.Generator().manual_seed(0)
    idx = torch.randint(0, 6, (40, ), generator=gen)
    rows = torch.randn(40, 3, generator=gen)
    kept_idx, kept_rows = keep_last(idx, rows)
    assert kept_idx.unique().numel() == kept_idx.numel()
    expected = torch.zeros(6, 3)
    for i, row in zip(idx.tolist(), rows):  # sequential: last writer wins
        expected[i] = row
    table = torch.zeros(6, 3)
    table[kept_idx] = kept_rows
    torch.testing.assert_close(table, expected)
    # original order of the kept rows
    assert torch.all(kept_idx == torch.tensor(
        [i for k, i in enumerate(idx.tolist()) if i not in idx[k + 1:]]))


def test_keep_last_empty():
    idx, rows = keep_last(torch.zeros(0, dtype=torch.long), torch.zeros(0, 2))
    assert idx.numel() == 0 and rows.shape == (0, 2)


def test_keep_last_cost_does_not_grow_with_the_largest_index():
    """Open Images has 9 M samples: no (max index + 1,) buffer per commit
    (2**40 would need 8 TB)."""
    idx = torch.tensor([2**40, 3, 2**40, 7])
    kept_idx, kept_rows = keep_last(idx, torch.arange(4.)[:, None])
    assert kept_idx.tolist() == [3, 2**40, 7]
    assert kept_rows[:, 0].tolist() == [1., 2., 3.]
    same_idx, same_rows = keep_last(idx[1:], torch.ones(3, 2))
    assert same_idx.tolist() == [3, 2**40, 7] and same_rows.shape == (3, 2)
