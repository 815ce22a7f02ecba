"""Rank the training labels a model contradicts: which images to re-annotate.

Every (image, class) label of the config's training annotation is scored
with out-of-sample probabilities: the annotation is split into K folds
(seeded, stratified by labels), the config is trained K times on the other
folds (``tools/train.py`` subprocesses; finished folds are reused, an
interrupted one resumes) and each held-out fold is scored with its model.
With a CHECKPOINT and no ``--folds`` the whole annotation is scored by that
model (in-sample: optimistic, a warning says so), and a method's own
per-sample corrections stored in the checkpoint (co-learning's label memory)
are added as evidence. Labels are ranked by a calibrated margin (pooled
confident-learning thresholds, :mod:`mlc.evaluation.label_issues.scoring`)
as suspected **missing** positives (observed 0/-1) and **spurious**
positives (observed 1).

Writes into ``--out``: ``issues.csv`` and ``issues.json`` (rank, kind,
image path, class, observed label, score), ``per_class.csv``,
``contact_sheet.png`` (top ``--top`` images with observed and suggested
labels), ``scores.npz`` (probabilities, margins, observed labels) and the
fold files and runs under ``folds/``. ``--write-annotation FILE`` writes a
corrected annotation with provenance (``--dry-run``: print the changes).

Examples::

    python tools/analysis_tools/find_label_issues.py \\
        configs/baselines/bce_r18_digitmosaic-plt.py --out work_dirs/issues \\
        --folds 5 --top 25 --write-annotation work_dirs/issues/fixed.json
    # scoring pass on 8 processes (the folds must be trained already)
    torchrun --nproc_per_node 8 tools/analysis_tools/find_label_issues.py \\
        CONFIG CHECKPOINT --out DIR --launcher pytorch
"""
import argparse
import copy
import os
import os.path as osp
import subprocess
import sys

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

import torch.distributed as torch_dist  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.dist import barrier, get_rank, init_dist  # noqa: E402
from mmengine.logging import print_log  # noqa: E402

import mlc  # noqa: E402,F401  (installs the safe checkpoint loader)
from mlc.datasets.annotation import dense_labels, load_annotation  # noqa: E402
from mlc.evaluation.label_issues import (  # noqa: E402
    MISSING,
    SPURIOUS,
    SPURIOUS_TO,
    annotation_source,
    class_thresholds,
    innermost_dataset,
    issue_margins,
    on_annotation,
    per_class_summary,
    rank_issues,
    stratified_folds,
)
from mlc.utils import cli  # noqa: E402
from mlc.utils.launcher import prepare_distributed  # noqa: E402
from mlc.utils.strict_load import StrictLoadHook  # noqa: E402
from mlc.version import __version__  # noqa: E402

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from label_issue_folds import finished_checkpoint, fold_config, write_folds  # noqa: E402
from label_issue_report import (  # noqa: E402
    issue_records,
    load_evidence,
    sheet,
    write_annotation,
    write_tables,
)

DEFAULT_FOLDS = 5


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config whose training labels are '
                        'scored (and trained on, with --folds)')
    parser.add_argument('checkpoint', nargs='?',
                        help='score in-sample with this model instead of '
                        'K-fold cross-fitting')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--folds', type=int, help='K of the cross-fitting '
                        f'(default {DEFAULT_FOLDS} without CHECKPOINT)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the fold split')
    parser.add_argument('--top', type=int, default=20,
                        help='images on the contact sheet')
    parser.add_argument('--evidence-weight', type=float, default=1.0,
                        help="log-odds added where the method's own "
                        'corrections contradict a label (CHECKPOINT mode)')
    parser.add_argument('--write-annotation', metavar='FILE',
                        help='write a corrected annotation here')
    parser.add_argument('--dry-run', action='store_true',
                        help='print what --write-annotation would change')
    parser.add_argument('--fix-kinds', nargs='+', default=[MISSING, SPURIOUS],
                        choices=[MISSING, SPURIOUS],
                        help='kinds of issue the corrected annotation fixes')
    parser.add_argument('--fix-margin', type=float, default=0.0,
                        help='fix issues whose margin exceeds this')
    parser.add_argument('--fix-top', type=int,
                        help='fix at most this many issues (best first)')
    parser.add_argument('--spurious-to', choices=sorted(SPURIOUS_TO),
                        default='unknown', help='what a suspected spurious '
                        'positive becomes in the corrected annotation')
    parser.add_argument('--cfg-options', nargs='+', action='extend',
                        metavar='KEY=VALUE', help='overrides of the config '
                        '(fold training and scoring)')
    parser.add_argument('--launcher', choices=['none', 'pytorch'],
                        default='none', help='job launcher of the scoring')
    cli.add_debug_flag(parser)
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser.parse_args(argv)


def check_args(args: argparse.Namespace) -> None:
    """Refuse, before any work, options that would fail later."""
    if args.checkpoint is not None and args.folds is not None:
        raise ValueError('give either CHECKPOINT (in-sample scoring) or '
                         '--folds K (cross-fitting), not both')
    if args.checkpoint is not None and not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
    if args.checkpoint is None and args.folds is None:
        args.folds = DEFAULT_FOLDS
    if args.top < 1:
        raise ValueError(f'--top must be >= 1, got {args.top}')
    if args.fix_top is not None and args.fix_top < 0:
        raise ValueError(f'--fix-top must be >= 0, got {args.fix_top}')
    if args.dry_run and not args.write_annotation:
        raise ValueError('--dry-run needs --write-annotation FILE')
    if args.write_annotation:
        cli.check_output_file(args.write_annotation, '.json',
                              '--write-annotation')
    cli.check_writable_dir(args.out, '--out')


def start_distributed(cfg: Config, launcher: str) -> None:
    """Initialise the process group before any collective (the runners
    reuse it)."""
    prepare_distributed(cfg, launcher)
    if launcher != 'none' and not torch_dist.is_initialized():
        init_dist(launcher, **cfg.get('env_cfg', {}).get('dist_cfg', {}))


def train_fold(config: str, work_dir: str) -> None:
    """Train one fold with ``tools/train.py`` (resuming an interrupted
    run)."""
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'train.py'), config,
           '--work-dir', work_dir]
    if osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        cmd.append('--resume')
    os.makedirs(work_dir, exist_ok=True)
    log = osp.join(work_dir, 'train_stdout.log')
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep +
               os.environ.get('PYTHONPATH', ''))
    with open(log, 'a') as f:
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=f,
                              stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.exit(f'error: training the fold failed: {" ".join(cmd)}; see '
                 f'{log}')


def score(cfg: Config, ann_file: str, checkpoint: str, out_file: str,
          launcher: str) -> None:
    """Score every image of ``ann_file`` once with ``checkpoint`` (test
    pipeline, DDP-safe) into ``out_file`` (``sample_idx``, ``pred_score``).
    """
    cfg = copy.deepcopy(cfg)
    train_ds = innermost_dataset(cfg.train_dataloader, 'train_dataloader')
    test_loader = cfg.get('test_dataloader') or {}
    pipeline = innermost_dataset(test_loader, 'test_dataloader')['pipeline']
    dataset = on_annotation(train_ds, ann_file)
    dataset['pipeline'] = pipeline
    cfg.test_dataloader = dict(
        batch_size=test_loader.get('batch_size', 64),
        num_workers=test_loader.get('num_workers', 0),
        persistent_workers=False,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dataset)
    cfg.test_evaluator = [dict(type='DumpPredictions', out_file=out_file,
                                   with_targets=False)]
    cfg.test_cfg = cfg.get('test_cfg') or dict()
    cfg.load_from, cfg.resume = checkpoint, False
    cfg.work_dir = osp.join(osp.dirname(out_file), 'score_logs')
    runner = cli.build_runner(cfg, launcher)
    runner.register_hook(StrictLoadHook(checkpoint), 'LOWEST')
    runner.test()


def cross_fit(cfg: Config, plain_cfg: Config, ann: dict, ann_path: str,
              observed: np.ndarray, args: argparse.Namespace) -> np.ndarray:
    """(N, C) float32 out-of-sample probabilities by K-fold cross-fitting
    (``plain_cfg``: the config before the launcher settings, for the fold
    configs)."""
    out = osp.abspath(osp.join(args.out, 'folds'))
    folds = stratified_folds(observed, args.folds, args.seed)
    write_folds(ann, ann_path, folds, out, get_rank() == 0)
    for k in range(args.folds):
        fold_config(plain_cfg, ann_path,
                    osp.join(out, f'fold{k}', 'train.json'),
                    osp.join(out, f'fold{k}', 'config.py'), get_rank() == 0)
    barrier()
    probs = np.full(observed.shape if get_rank() == 0 else (0, 0), np.nan,
                    dtype=np.float32)
    for k in range(args.folds):
        fold_dir = osp.join(out, f'fold{k}')
        work = osp.join(fold_dir, 'work')
        ckpt = finished_checkpoint(work, cfg)
        if ckpt is None:
            if args.launcher != 'none':
                raise ValueError(f'fold {k} is not trained ({work}); train '
                                 'the folds without --launcher first')
            print_log(f'find_label_issues: training fold {k + 1}/'
                      f'{args.folds} in {work}', logger='current')
            train_fold(osp.join(fold_dir, 'config.py'), work)
            ckpt = finished_checkpoint(work, cfg)
            if ckpt is None:
                sys.exit(f'error: fold {k}: training ended without its '
                         f'final checkpoint in {work}')
        scores = osp.join(fold_dir, 'scores.npz')
        if not osp.isfile(scores):
            score(cfg, osp.join(fold_dir, 'heldout.json'), ckpt, scores,
                  args.launcher)
        if get_rank() == 0:
            rows = np.flatnonzero(folds == k)
            with np.load(scores, allow_pickle=False) as data:
                idx, pred = data['sample_idx'], data['pred_score']
            if not np.array_equal(idx, np.arange(len(rows))):
                raise ValueError(f'{scores}: expected one score per held-out '
                                 f'image ({len(rows)}), got {len(idx)}')
            probs[rows] = pred
    return probs


def in_sample(cfg: Config, ann_path: str, observed: np.ndarray,
              args: argparse.Namespace) -> np.ndarray:
    """(N, C) float32 in-sample probabilities of ``args.checkpoint``."""
    print_log('find_label_issues: scoring the training labels with a model '
              'trained on them (in-sample): the probabilities are '
              'over-confident on the given labels and fewer issues are '
              'found; use --folds K for out-of-sample scores',
              logger='current', level=30)
    scores = osp.join(osp.abspath(args.out), 'in_sample_scores.npz')
    score(cfg, ann_path, osp.abspath(args.checkpoint), scores, args.launcher)
    if get_rank() != 0:
        return np.empty((0, 0), np.float32)
    with np.load(scores, allow_pickle=False) as data:
        idx, pred = data['sample_idx'], data['pred_score']
    if not np.array_equal(idx, np.arange(len(observed))):
        raise ValueError(f'{scores}: expected one score per image '
                         f'({len(observed)}), got {len(idx)}')
    return pred


def find_label_issues(args: argparse.Namespace) -> None:
    check_args(args)
    args.work_dir = osp.join(args.out, 'score_logs')
    cfg = cli.load_config(args)
    plain_cfg = copy.deepcopy(cfg)
    start_distributed(cfg, args.launcher)
    train_ds = innermost_dataset(cfg.train_dataloader, 'train_dataloader')
    if train_ds.get('indices') is not None:
        raise ValueError('train_dataloader.dataset.indices: the whole '
                         'training annotation is scored; drop the subset')
    ann_path, images = annotation_source(train_ds)
    ann = load_annotation(ann_path)
    observed, _ = dense_labels(ann, ann_path)
    if args.folds is not None:
        probs = cross_fit(cfg, plain_cfg, ann, ann_path, observed, args)
    else:
        probs = in_sample(cfg, ann_path, observed, args)
    if get_rank() != 0:
        return
    if np.isnan(probs).any():
        raise ValueError('some training images got no score')
    evidence = (load_evidence(args.checkpoint, observed)
                if args.checkpoint else None)
    thresholds = class_thresholds(probs, observed)
    margins = issue_margins(probs, observed, thresholds, evidence,
                            args.evidence_weight)
    issues = rank_issues(margins, observed)
    classes = list(ann['metainfo']['classes'])
    out = args.out
    np.savez(osp.join(out, 'scores.npz'), probs=probs, margins=margins,
             observed=observed, t_pos=thresholds[0], t_neg=thresholds[1])
    meta = dict(config=args.config, annotation=ann_path,
                mode='in-sample' if args.checkpoint else 'cross-fit',
                folds=args.folds, seed=args.seed, checkpoint=args.checkpoint,
                tool_version=__version__,
                num_missing=int((issues['kind'] == MISSING).sum()),
                num_spurious=int((issues['kind'] == SPURIOUS).sum()))
    write_tables(out, issue_records(issues, ann, classes),
                 per_class_summary(issues, observed, class_thresholds(
                     probs, observed, per_class=True)), classes, meta)
    sheet(out, margins, observed, thresholds, ann, images, classes, args.top)
    print_log(f"find_label_issues: {meta['num_missing']} suspected missing "
              f"and {meta['num_spurious']} suspected spurious positives; "
              f'report in {out}', logger='current')
    if args.write_annotation:
        write_annotation(ann, ann_path, issues, args)


def main(argv=None) -> None:
    args = parse_args(argv)
    cli.run_cli(lambda: find_label_issues(args), args.debug)


if __name__ == '__main__':
    main()
