"""OverrideTable writes go to an unsorted delta merged every few writes:
the same reads and checkpoints as a dense table written row by row."""
import numpy as np
import torch

from mlc.datasets import SparseLabelStore
from mlc.models.utils.override_table import OverrideTable


def test_delta_reads_equal_a_dense_reference():
    rng = np.random.default_rng(0)
    base = rng.choice([1, 0, -1, -1], size=(40, 7)).astype(np.int8)
    store = SparseLabelStore.from_dense(base)
    tables = dict(every=OverrideTable(merge_every=1),
                  delta=OverrideTable(merge_every=4),
                  small=OverrideTable(merge_every=1000, max_delta=15))
    for table in tables.values():
        table.attach(store, clear=True)
    reference = base.copy()
    every = torch.arange(40)
    for step in range(30):
        idx = rng.choice(40, size=6, replace=False)
        rows = reference[idx].copy()
        flip = rng.random(rows.shape) < 0.3
        rows[flip] = rng.choice([1, 0, -1], size=int(flip.sum()))
        rows[0] = base[idx[0]]  # back to the training labels
        reference[idx] = rows
        keys_before = tables['delta'].keys
        for table in tables.values():
            table.write(torch.from_numpy(idx), torch.from_numpy(rows))
        if step % 4 != 3:  # not a merge: the sorted arrays are untouched
            assert tables['delta'].keys is keys_before
        assert tables['small']._delta_entries <= 15
        pick = torch.from_numpy(rng.integers(0, 40, size=9))
        for name, table in tables.items():
            assert torch.equal(table.rows(every),
                               torch.from_numpy(reference)), (step, name)
            assert torch.equal(table.rows(pick),
                               torch.from_numpy(reference)[pick])
    assert tables['delta']._delta  # rows left in the delta (30 % 4 != 0)
    want = tables['every'].state_dict()
    for table in tables.values():  # saving merges the delta first
        state = table.state_dict()
        assert not table._delta
        for key, value in want.items():
            assert torch.equal(state[key], value), key
    assert tables['delta'].num_overrides == int((reference != base).sum())
    loaded = OverrideTable()
    loaded.load_state_dict(want)
    loaded.attach(store)
    assert torch.equal(loaded.rows(every), torch.from_numpy(reference))
