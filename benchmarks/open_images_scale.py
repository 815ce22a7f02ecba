"""Open Images scale: parse, cache, start, share, densify and evaluate.

``generate`` writes synthetic files of the published V6 shape (on demand;
nothing is downloaded): a human-verified image-level label CSV
``ImageID,Source,LabelName,Confidence`` with ``--images`` images (9 M) and
on average ``--labels-per-image`` (6.7, i.e. ~60 M rows) human-verified
labels each, 60 % positive, over 19,957 classes with Zipf-like frequencies;
the class descriptions CSV; and the 9,605 most frequent classes as the
trainable list. Every other step runs in its own process (one peak RSS each):

- ``parse``: parse the CSVs and write the memory-mappable cache (time, peak
  RSS) -- what the converter does once;
- ``start``: a cached start of the ``OpenImages`` dataset (time) and the
  resident memory of its store after touching every row;
- ``workers``: 4 dataloader workers iterating over the dataset; the
  unique (USS) memory of each worker and of the parent, i.e. what is not
  shared pages of the mapped store;
- ``densify``: the per-batch densify (B 128, C 9,605) against one BCE
  training step of a linear head on 2048-d features at C 9,605 (forward,
  backward, SGD: a lower bound of a real step, so the ratio is an upper
  bound);
- ``map``: chunked mAP of 125k x 9,605 random scores (float32 row chunks of
  4,096, as an evaluation loop produces them) against 125k images of the
  store (time, peak RSS); ``--check`` also compares it with the dense
  ``average_precision`` on the first classes.
- ``stats``: the class statistics of the whole store read in row chunks
  (``ClassStats.from_store``: class counts, then the (C, C) co-occurrence)
  and the per-class positive lists of ``ClassAwareSampler`` (time, resident
  memory of each);
- ``memory``: co-learning's write-back label memory (two branches) over
  the store: its size after ``prepare`` and after ``--steps`` committed
  steps of 256 rows (128 anchors + 128 partners) with
  ``--changes-per-row`` corrected entries each, the commit and row-read
  time per step;
- ``commit``: no files needed (``folder`` is unused): one branch's
  ``OverrideTable`` of a synthetic 9 M x 9,605 table pre-filled with
  ``--overrides`` (10 M) random overrides; the time of a 256-row commit
  merged into the sorted arrays at every write against the default (a
  delta merged every ``MERGE_EVERY`` writes), over ``--steps`` steps.

Usage (one step at a time, ``OMP_NUM_THREADS=1``)::

    python benchmarks/open_images_scale.py generate work_dirs/oi [--images N]
    python benchmarks/open_images_scale.py parse work_dirs/oi
    python benchmarks/open_images_scale.py start work_dirs/oi
    python benchmarks/open_images_scale.py workers work_dirs/oi
    python benchmarks/open_images_scale.py densify work_dirs/oi
    python benchmarks/open_images_scale.py map work_dirs/oi
    python benchmarks/open_images_scale.py stats work_dirs/oi
    python benchmarks/open_images_scale.py memory work_dirs/oi
    python benchmarks/open_images_scale.py commit - --steps 128
"""
import argparse
import os
import os.path as osp
import resource
import time

import numpy as np

NUM_CLASSES = 19957
NUM_TRAINABLE = 9605
SOURCES = (b'verification', b'crowdsource-verified')
LABEL_CSV = 'oidv6-train-annotations-human-imagelabels.csv'
CLASSES_CSV = 'oidv6-class-descriptions.csv'
TRAINABLE_TXT = 'oidv6-classes-trainable.txt'


def peak_rss_gb() -> float:
    """Peak resident memory of this process (GB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def rss_gb(pid: str = 'self', field: str = 'Rss') -> float:
    """Current ``Rss``/``Pss``/``Private_*`` memory of a process (GB)."""
    total = 0
    with open(f'/proc/{pid}/smaps_rollup') as f:
        for line in f:
            if line.split(':')[0] in ((field, ) if field != 'Uss' else
                                      ('Private_Clean', 'Private_Dirty')):
                total += int(line.split()[1])
    return total / 2**20


def class_names(rng: np.random.Generator) -> np.ndarray:
    """19,957 distinct MID-like LabelNames (``/m/`` + 2-7 chars)."""
    alphabet = np.frombuffer(b'0123456789bcdfghjklmnpqrstvwxyz_',
                             dtype=np.uint8)
    names = set()
    while len(names) < NUM_CLASSES:
        length = int(rng.integers(2, 8))
        names.add('/m/0' + bytes(rng.choice(alphabet, length)).decode())
    return np.array(sorted(names))


def generate(out: str, num_images: int, labels_per_image: float,
             seed: int = 0) -> None:
    """Write the three synthetic files into ``out``."""
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    names = class_names(rng)
    freq_rank = rng.permutation(NUM_CLASSES)  # class of frequency rank r
    prob = 1.0 / np.arange(1, NUM_CLASSES + 1) ** 0.9
    cdf = np.cumsum(prob / prob.sum())
    with open(osp.join(out, CLASSES_CSV), 'w') as f:
        f.write('LabelName,DisplayName\n')
        for i, name in enumerate(names):
            f.write(f'{name},"Class {i}, synthetic"\n')
    with open(osp.join(out, TRAINABLE_TXT), 'w') as f:
        f.write('\n'.join(sorted(names[freq_rank[:NUM_TRAINABLE]])) + '\n')
    ids = np.unique(rng.integers(0, 2**63, size=num_images + 1000,
                                 dtype=np.int64).astype(np.uint64))
    ids = ids[:num_images]
    width = max(len(n) for n in names)
    name_bytes = np.zeros((NUM_CLASSES, width), np.uint8)
    for i, name in enumerate(names):
        name_bytes[i, :len(name)] = np.frombuffer(name.encode(), np.uint8)
    src_bytes = np.zeros((2, 20), np.uint8)
    for i, src in enumerate(SOURCES):
        src_bytes[i, :len(src)] = np.frombuffer(src, np.uint8)
    hex_digits = np.frombuffer(b'0123456789abcdef', np.uint8)
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    rows = 0
    with open(osp.join(out, LABEL_CSV), 'wb') as f:
        f.write(b'ImageID,Source,LabelName,Confidence\n')
        for start in range(0, len(ids), 500_000):
            chunk = ids[start:start + 500_000]
            count = np.maximum(rng.poisson(labels_per_image, len(chunk)), 1)
            img = np.repeat(chunk, count)
            n = len(img)
            cls = freq_rank[np.minimum(np.searchsorted(cdf, rng.random(n)),
                                       NUM_CLASSES - 1)]
            digits = hex_digits[((img[:, None] >> shifts) & np.uint64(15))
                                .astype(np.int64)]
            comma = np.full((n, 1), ord(','), np.uint8)
            conf = np.where(rng.random(n) < 0.6, ord('1'), ord('0'))
            line = np.concatenate(
                (digits, comma, src_bytes[rng.integers(0, 2, n)], comma,
                 name_bytes[cls], comma, conf[:, None].astype(np.uint8),
                 np.full((n, 1), 10, np.uint8)), axis=1)
            f.write(line[line != 0].tobytes())
            rows += n
    print(f'wrote {rows} label rows of {len(ids)} images to {out}')


def files(folder: str) -> dict:
    return dict(ann_file=osp.join(folder, LABEL_CSV),
                classes_file=osp.join(folder, CLASSES_CSV),
                trainable_file=osp.join(folder, TRAINABLE_TXT),
                cache_dir=osp.join(folder, 'cache'))


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


def dataset(folder: str, **kwargs):
    from mlc.datasets import OpenImages
    return OpenImages(**files(folder), **kwargs)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('step', choices=('generate', 'parse', 'start',
                                         'workers', 'densify', 'map',
                                         'stats', 'memory', 'commit'))
    parser.add_argument('folder')
    parser.add_argument('--images', type=int, default=9_000_000)
    parser.add_argument('--labels-per-image', type=float, default=6.7)
    parser.add_argument('--eval-rows', type=int, default=125_000)
    parser.add_argument('--check', action='store_true')
    parser.add_argument('--steps', type=int, default=1000)
    parser.add_argument('--changes-per-row', type=int, default=20)
    parser.add_argument('--overrides', type=int, default=10_000_000)
    args = parser.parse_args()
    if args.step == 'generate':
        generate(args.folder, args.images, args.labels_per_image)
    elif args.step == 'parse':
        parse(args.folder)
    elif args.step == 'start':
        start(args.folder)
    elif args.step == 'workers':
        workers(args.folder)
    elif args.step == 'densify':
        densify(args.folder)
    elif args.step == 'stats':
        class_stats(args.folder)
    elif args.step == 'memory':
        label_memory(args.folder, args.steps, args.changes_per_row)
    elif args.step == 'commit':
        commit_cost(args.steps, args.changes_per_row, args.overrides)
    else:
        evaluate(args.folder, args.eval_rows, check=args.check)


if __name__ == '__main__':
    main()
