"""The data-side steps of ``open_images_scale.py``: parse and cache the
CSVs, a cached start, dataloader workers over the shared store, the
per-batch densify and the chunked mAP."""
import os
import os.path as osp
import time

import numpy as np
from open_images_files import dataset, files
from process_memory import peak_rss_gb, rss_gb


def parse(folder: str) -> None:
    from mlc.datasets.open_images import cached_open_images
    f = files(folder)
    start = time.perf_counter()
    labels, _ = cached_open_images(f['ann_file'], f['classes_file'],
                                   f['trainable_file'],
                                   cache_dir=f['cache_dir'])
    seconds = time.perf_counter() - start
    store = labels.store
    print(f'parse + cache: {seconds:.1f} s, peak RSS {peak_rss_gb():.2f} GB;'
          f' {store.num_samples} images x {store.num_classes} classes, '
          f'{store.nnz} labels, csv {osp.getsize(f["ann_file"]) / 1e9:.2f} '
          'GB')


def start(folder: str) -> None:
    import mlc.datasets  # noqa: F401  (imports are not part of the start)
    rss_imports, uss_imports = rss_gb(), rss_gb(field='Uss')
    begin = time.perf_counter()
    ds = dataset(folder)
    len(ds)
    seconds = time.perf_counter() - begin
    rss_before = rss_gb()
    store = ds.label_store
    counts = store.positive_counts()  # touches every index and value
    np.asarray(store._indptr).sum()
    np.asarray(ds._image_ids).sum()
    print(f'cached start: {seconds:.2f} s (after {rss_imports:.2f} GB of '
          f'imports); RSS +{rss_before - rss_imports:.2f} GB after start, '
          f'+{rss_gb() - rss_imports:.2f} GB with every page of the store '
          f'resident (of which +{rss_gb(field="Uss") - uss_imports:.2f} GB '
          f'unique to this process), {int(counts.sum())} positives')


def workers(folder: str, num_workers: int = 4, batches: int = 400) -> None:
    import torch
    from torch.utils.data import DataLoader
    ds = dataset(folder)
    len(ds)
    loader = DataLoader(ds, batch_size=128, num_workers=num_workers,
                        shuffle=True, collate_fn=lambda b: len(b),
                        persistent_workers=True)
    torch.manual_seed(0)
    it = iter(loader)
    for _ in range(batches):
        next(it)
    pids = [str(w.pid) for w in it._workers]
    report = [f'worker {pid}: RSS {rss_gb(pid):.2f} GB, PSS '
              f'{rss_gb(pid, "Pss"):.2f} GB, unique '
              f'{rss_gb(pid, "Uss"):.2f} GB' for pid in pids]
    print(f'{num_workers} workers after {batches} shuffled batches of 128; '
          f'parent RSS {rss_gb():.2f} GB, unique {rss_gb(field="Uss"):.2f} '
          'GB')
    print('\n'.join(report))
    store_gb = sum(osp.getsize(osp.join(root, name))
                   for root, _, names in os.walk(files(folder)['cache_dir'])
                   for name in names) / 2**30
    print(f'store on disk: {store_gb:.2f} GB')
    del it


def densify(folder: str, batch: int = 128, reps: int = 20) -> None:
    import torch
    import torch.nn.functional as F
    store = dataset(folder).label_store
    rng = np.random.default_rng(0)
    num_classes = store.num_classes
    head = torch.nn.Linear(2048, num_classes)
    opt = torch.optim.SGD(head.parameters(), lr=0.01)
    feats = torch.randn(batch, 2048)

    def step(targets):
        loss = F.binary_cross_entropy_with_logits(head(feats), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()

    times = dict(batch=[], per_sample=[], step=[])
    for _ in range(reps):
        rows = rng.integers(0, store.num_samples, batch)
        t0 = time.perf_counter()
        dense = torch.from_numpy(store.densify(rows))
        t1 = time.perf_counter()
        torch.from_numpy(np.stack([store.get(r) for r in rows]))
        t2 = time.perf_counter()
        step(dense.clamp(min=0))
        t3 = time.perf_counter()
        times['batch'].append(t1 - t0)
        times['per_sample'].append(t2 - t1)
        times['step'].append(t3 - t2)
    med = {k: float(np.median(v[2:])) * 1e3 for k, v in times.items()}
    print(f'B {batch}, C {num_classes}: densify per batch '
          f'{med["batch"]:.2f} ms, per sample x{batch} '
          f'{med["per_sample"]:.2f} ms; BCE step of a linear head '
          f'{med["step"]:.1f} ms -> {100 * med["batch"] / med["step"]:.1f} '
          f'% / {100 * med["per_sample"] / med["step"]:.1f} %')


def evaluate(folder: str, num_rows: int = 125_000, chunk: int = 4096,
             check: bool = False) -> None:
    from mlc.evaluation.functional.average_precision import (
        average_precision,
        chunked_average_precision,
    )
    store = dataset(folder, indices=num_rows).label_store
    num_classes = store.num_classes

    def chunks():
        rng = np.random.default_rng(1)
        for first in range(0, num_rows, chunk):
            yield rng.random((min(chunk, num_rows - first), num_classes),
                             dtype=np.float32)

    begin = time.perf_counter()
    ap, num_pos = chunked_average_precision(chunks(), store.entries,
                                            num_classes)
    seconds = time.perf_counter() - begin
    present = ~np.isnan(ap)
    print(f'chunked mAP of {num_rows} x {num_classes}: {seconds:.1f} s '
          f'(including generating the scores), peak RSS '
          f'{peak_rss_gb():.2f} GB; mAP {100 * ap[present].mean():.2f} over '
          f'{int(present.sum())} classes')
    if check:
        cols = slice(0, 200)
        dense_scores = np.concatenate([c[:, cols] for c in chunks()])
        dense_targets = np.concatenate([
            store.densify(np.arange(a, min(a + chunk, num_rows)),
                          np.int8)[:, cols]
            for a in range(0, num_rows, chunk)])
        dense_ap, _ = average_precision(dense_scores, dense_targets)
        same = np.array_equal(dense_ap, ap[cols], equal_nan=True)
        print(f'first 200 classes equal to the dense average_precision: '
              f'{same}')
