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

from open_images_files import generate
from open_images_labels import class_stats, commit_cost, label_memory
from open_images_loading import densify, evaluate, parse, start, workers

#: the steps, each run with the parsed arguments
STEPS = {
    'generate': lambda a: generate(a.folder, a.images, a.labels_per_image),
    'parse': lambda a: parse(a.folder),
    'start': lambda a: start(a.folder),
    'workers': lambda a: workers(a.folder),
    'densify': lambda a: densify(a.folder),
    'map': lambda a: evaluate(a.folder, a.eval_rows, check=a.check),
    'stats': lambda a: class_stats(a.folder),
    'memory': lambda a: label_memory(a.folder, a.steps, a.changes_per_row),
    'commit': lambda a: commit_cost(a.steps, a.changes_per_row, a.overrides),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('step', choices=tuple(STEPS))
    parser.add_argument('folder')
    parser.add_argument('--images', type=int, default=9_000_000)
    parser.add_argument('--labels-per-image', type=float, default=6.7)
    parser.add_argument('--eval-rows', type=int, default=125_000)
    parser.add_argument('--check', action='store_true')
    parser.add_argument('--steps', type=int, default=1000)
    parser.add_argument('--changes-per-row', type=int, default=20)
    parser.add_argument('--overrides', type=int, default=10_000_000)
    args = parser.parse_args()
    STEPS[args.step](args)


if __name__ == '__main__':
    main()
