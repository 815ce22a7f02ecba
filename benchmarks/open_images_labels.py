"""The label-side steps of ``open_images_scale.py``: class statistics and
class-aware lists over the store, co-learning's label memory, and the cost
of an override-table commit."""
import time

import numpy as np
from open_images_files import NUM_TRAINABLE, dataset
from process_memory import peak_rss_gb, rss_gb


def class_stats(folder: str) -> None:
    import torch

    from mlc.datasets.samplers import positive_lists
    from mlc.models.utils import ClassStats
    ds = dataset(folder)
    store = ds.label_store
    base = rss_gb()
    begin = time.perf_counter()
    stats = ClassStats.from_store(store)
    counts_s = time.perf_counter() - begin
    counts_gb = rss_gb() - base
    begin = time.perf_counter()
    cooc = stats.cooccurrence
    cooc_s = time.perf_counter() - begin
    cooc_gb = rss_gb() - base
    same = torch.equal(cooc.diagonal(), stats.class_freq)
    print(f'class counts of {stats.num_samples} x {stats.num_classes} in '
          f'row chunks: {counts_s:.1f} s, RSS +{counts_gb:.2f} GB '
          f'(the mapped store pages); co-occurrence {tuple(cooc.shape)}: '
          f'{cooc_s:.1f} s, RSS +{cooc_gb:.2f} GB (the int64 matrix: '
          f'{cooc.numel() * 8 / 2**30:.2f} GB), diagonal == counts: {same}')
    del cooc, stats
    base = rss_gb()
    begin = time.perf_counter()
    lists = positive_lists(ds)
    seconds = time.perf_counter() - begin
    total = sum(len(x) for x in lists)
    print(f'ClassAwareSampler positive lists ({total} positives, '
          f'{sum(len(x) > 0 for x in lists)} classes): {seconds:.1f} s, '
          f'RSS +{rss_gb() - base:.2f} GB, peak RSS {peak_rss_gb():.2f} GB')


def label_memory(folder: str, steps: int, changes: int) -> None:
    import torch

    from mlc.models.utils import BranchLabelMemory
    store = dataset(folder).label_store
    num, num_classes = store.num_samples, store.num_classes
    base = rss_gb()
    memory = BranchLabelMemory(('random', 'balanced'), storage='sparse')
    memory.prepare(store)
    print(f'label memory of {num} x {num_classes} x 2 branches (dense: '
          f'{2 * num * num_classes / 2**30:.1f} GB of int8): sparse '
          f'{memory.sparse}, RSS +{rss_gb() - base:.3f} GB after prepare')
    rng = np.random.default_rng(0)
    read_s, commit_s = [], []
    for _ in range(steps):
        idx = torch.from_numpy(rng.integers(0, num, 256))
        for name in memory.names:
            t0 = time.perf_counter()
            rows = memory.rows(name, idx)
            read_s.append(time.perf_counter() - t0)
            cols = torch.from_numpy(rng.integers(0, num_classes,
                                                 (256, changes)))
            rows.scatter_(1, cols, 1.)
            memory.stage_rows(name, idx, rows)
        t0 = time.perf_counter()
        memory.commit()
        commit_s.append(time.perf_counter() - t0)
    overrides = sum(getattr(memory, n).num_overrides for n in memory.names)
    print(f'after {steps} steps of 256 rows with {changes} corrected '
          f'entries each: {overrides} overrides '
          f'({overrides * 9 / 2**30:.3f} GB of keys + values), RSS '
          f'+{rss_gb() - base:.3f} GB, peak RSS {peak_rss_gb():.2f} GB; '
          f'per step: read 2 x 256 rows {np.median(read_s) * 2e3:.1f} ms, '
          f'commit {np.median(commit_s) * 1e3:.1f} ms (median), last '
          f'{np.mean(commit_s[-20:]) * 1e3:.1f} ms')


def commit_cost(steps: int, changes: int, overrides: int,
                num: int = 8_986_859, num_classes: int = NUM_TRAINABLE
                ) -> None:
    import torch

    from mlc.datasets import SparseLabelStore
    from mlc.models.utils import override_table
    rng = np.random.default_rng(0)
    store = SparseLabelStore(np.zeros(num + 1, np.int64),
                             np.zeros(0, np.int16), np.zeros(0, np.int8),
                             num_classes)
    keys = np.unique(rng.integers(0, num * num_classes, overrides))
    values = rng.integers(0, 2, len(keys)).astype(np.int8)
    batches = []
    for _ in range(steps):
        idx = rng.choice(num, 256, replace=False)
        rows = np.full((256, num_classes), -1, np.int8)
        rows[np.arange(256)[:, None],
             rng.integers(0, num_classes, (256, changes))] = 1
        batches.append((torch.from_numpy(idx), torch.from_numpy(rows)))
    for merge_every in (1, override_table.MERGE_EVERY):
        table = override_table.OverrideTable(merge_every=merge_every)
        table.attach(store, clear=True)
        table.keys, table.values = (torch.from_numpy(keys.copy()),
                                    torch.from_numpy(values.copy()))
        times = []
        for idx, rows in batches[:steps if merge_every > 1 else 20]:
            t0 = time.perf_counter()
            table.write(idx, rows)
            times.append(time.perf_counter() - t0)
        times = np.array(times) * 1e3
        print(f'{len(keys) / 1e6:.1f} M overrides, merge every '
              f'{merge_every} writes: commit of 256 rows x {changes} '
              f'changes {np.median(times):.1f} ms median, {times.mean():.1f}'
              f' ms mean, {times.max():.0f} ms max over {len(times)} '
              f'writes')
