"""Label-issue report versus cleanlab on DigitMosaic, and the retraining gain.

For every DigitMosaic variant (``pl`` = PL40, ``noise``, ``lt-noise``; their
clean labels are kept by the corruption toolkit):

1. ``find_label_issues.py CONFIG --folds K`` scores the training labels with
   out-of-sample probabilities and writes a corrected annotation;
2. precision@k and recall of suspected missing and spurious positives
   ((image, class) level) and of images with an issue, for our calibrated
   margin and for cleanlab's multi-label ``find_label_issues`` (per-class
   issues and ``get_label_quality_scores`` for the image ranking) on the
   same probabilities;
3. the config is trained with each run seed on the uncorrected and on the
   corrected annotation (``run_seeds.train_and_test_in``) and the test mAP
   is compared.

Finished folds and runs are reused on a rerun. Writes the markdown report
(``--out``) with the command that produced it.

Example::

    OMP_NUM_THREADS=1 python tools/analysis_tools/label_issue_benchmark.py \\
        configs/baselines/bce_r18_digitmosaic-pl40.py --variants pl noise \\
        lt-noise --folds 5 --seeds 0 1 2 --out docs/results/label-issues.md
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path[:0] = [ROOT, osp.join(ROOT, 'tools', 'analysis_tools')]

from mmengine.config import Config  # noqa: E402
from run_seeds import pick, train_and_test_in  # noqa: E402

import mlc  # noqa: E402,F401
from mlc.datasets.annotation import dense_labels, load_annotation  # noqa: E402
from mlc.evaluation.label_issues import (  # noqa: E402
    annotation_source,
    class_thresholds,
    flagged_images,
    image_scores,
    innermost_dataset,
    retarget,
)
from mlc.evaluation.label_issues.ranking_metrics import issue_report  # noqa: E402
from mlc.utils import cli  # noqa: E402

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
VIEWS = (('missing', 'missing positives'), ('spurious', 'spurious positives'),
         ('image', 'images with an issue'),
         ('image_pointed', 'images whose most suspected label is a true '
          'issue'))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='DigitMosaic config (the variant is '
                        'overridden)')
    parser.add_argument('--variants', nargs='+',
                        default=['pl', 'noise', 'lt-noise'])
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='run seeds of the retraining')
    parser.add_argument('--ks', type=int, nargs='+',
                        default=[25, 50, 100, 200, 400])
    parser.add_argument('--fix-margin', type=float, default=0.0,
                        help='margin above which issues are corrected')
    parser.add_argument('--no-retrain', action='store_true',
                        help='only the ranking comparison')
    parser.add_argument('--work-root', default='work_dirs/label_issues')
    parser.add_argument('--out', help='markdown report')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='overrides of every run (e.g. '
                        'train_cfg.max_epochs=2)')
    cli.add_debug_flag(parser)
    return parser.parse_args(argv)


def variant_config(config: str, variant: str, options: List[str],
                   path: str, train_ann: str = None) -> None:
    """Dump ``config`` on DigitMosaic ``variant`` with ``options`` (and the
    training dataset reading ``train_ann``) to ``path``."""
    cfg = Config.fromfile(config)
    overrides = {f'{loader}.dataset.variant': variant for loader in LOADERS}
    overrides.update(cli.parse_cfg_options(options))
    cfg.merge_from_dict(overrides)
    if train_ann is not None:
        ds = innermost_dataset(cfg.train_dataloader, 'train_dataloader')
        source = annotation_source(ds)[0]
        for key in list(cfg.keys()):
            retarget(cfg[key], source, train_ann)
    cfg.pop('work_dir', None)
    os.makedirs(osp.dirname(path), exist_ok=True)
    cfg.dump(path)


def run(cmd: List[str], log: str) -> None:
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep +
               os.environ.get('PYTHONPATH', ''))
    with open(log, 'a') as f:
        done = subprocess.run([sys.executable, *cmd], cwd=ROOT, env=env,
                              stdout=f, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.exit(f'error: {" ".join(cmd)} failed; see {log}')


def ranking(issues_dir: str, ks: List[int]) -> Dict[str, dict]:
    """Reports of our margin and of cleanlab on the saved probabilities."""
    from mlc.evaluation.label_issues.cleanlab_reference import (
        cleanlab_images,
        cleanlab_pairs,
    )
    with open(osp.join(issues_dir, 'issues.json')) as f:
        ann_path = json.load(f)['meta']['annotation']
    _, clean = dense_labels(load_annotation(ann_path), ann_path)
    if clean is None:
        raise ValueError(f'{ann_path} has no clean_pos: nothing to compare')
    with np.load(osp.join(issues_dir, 'scores.npz')) as data:
        probs, margins, observed = (data['probs'], data['margins'],
                                    data['observed'])
    img = image_scores(margins, observed, class_thresholds(probs, observed))
    ours = issue_report(margins, margins > 0, observed, clean, ks, img,
                        flagged_images(margins))
    pair_s, pair_f = cleanlab_pairs(probs, observed)
    img_s, img_f = cleanlab_images(probs, observed)
    theirs = issue_report(pair_s, pair_f, observed, clean, ks, img_s, img_f)
    return {'ours (calibrated margin)': ours, 'cleanlab': theirs}


def fmt(value: float, pct: bool = True) -> str:
    if value is None or np.isnan(value):
        return '–'
    return f'{100 * value:.1f}' if pct else f'{value:.0f}'


def ranking_table(reports: Dict[str, dict], ks: List[int]) -> List[str]:
    lines = []
    for view, title in VIEWS:
        true = next(iter(reports.values()))[view]['true']
        lines += [f'*{title}* ({true:.0f} true):', '',
                  '| method | ' + ' | '.join(f'P@{k}' for k in ks) +
                  ' | flagged | precision | recall |',
                  '|---|' + '---|' * (len(ks) + 3)]
        for name, rep in reports.items():
            r = rep[view]
            lines.append(f'| {name} | ' + ' | '.join(
                fmt(r[f'P@{k}']) for k in ks) + f" | {fmt(r['flagged'], 0)}"
                f" | {fmt(r['precision'])} | {fmt(r['recall'])} |")
        lines.append('')
    return lines


def precision_verdict(reports: Dict[str, dict], ks: List[int]) -> str:
    """One line: is our P@k at least cleanlab's at every k of every view
    with a true issue, and where not, by how many of the k items."""
    ours, theirs = reports['ours (calibrated margin)'], reports['cleanlab']
    short = []
    for view, title in VIEWS:
        if not ours[view]['true']:
            continue
        for k in ks:
            a, b = ours[view][f'P@{k}'], theirs[view][f'P@{k}']
            if a < b:
                n = min(k, ours[view]['ranked'])
                short.append(f'{title} P@{k} {fmt(a)} vs {fmt(b)} '
                             f'({round((b - a) * n):.0f} of {n:.0f} items)')
    if not short:
        return ("Precision@k: ours is at least cleanlab's at every k of "
                'every view.')
    return ("Precision@k below cleanlab's: " + '; '.join(short) +
            '; at least equal elsewhere.')


def retrain_table(runs: Dict[str, List[dict]], seeds: List[int]) -> List[str]:
    lines = ['| training labels | checkpoint | test mAP | per seed |',
             '|---|---|---|---|']
    for tag in ('last', 'best'):
        for name, results in runs.items():
            values = [pick(r[tag], 'mAP') for r in results if tag in r]
            values = [v for v in values if v is not None]
            if not values:
                continue
            lines.append(
                f'| {name} | {tag} | {np.mean(values):.2f} ± '
                f'{np.std(values):.2f} | ' +
                ' / '.join(f'{v:.2f}' for v in values) + ' |')
    lines += ['', f'Run seeds {seeds}; mean ± population std.', '']
    return lines


def benchmark(args: argparse.Namespace, argv: List[str]) -> None:
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config not found: {args.config}')
    cli.parse_cfg_options(args.cfg_options)
    cli.check_writable_dir(args.work_root, '--work-root')
    if args.out:
        cli.check_output_file(args.out, '.md', '--out')
    command = ('OMP_NUM_THREADS=1 python tools/analysis_tools/'
               'label_issue_benchmark.py ' + ' '.join(argv))
    text = ['# Label-issue report on DigitMosaic versus cleanlab', '',
            'Generated by', '', '```bash', command, '```', '',
            f'Config `{args.config}`, {args.folds}-fold cross-fitting (fold '
            'seed 0), out-of-sample probabilities of the last epoch. '
            'Precision@k (P@k) ranks every candidate label (observed 0/-1 '
            'for missing, observed 1 for spurious positives) or image; '
            '"flagged" is the set each method reports (ours: margin > 0, '
            "cleanlab: its per-class `find_label_issues`), its precision "
            'and recall against the clean labels. The last view asks '
            'whether the label a re-annotator is sent to (the largest pair '
            "score of the image: our margin, cleanlab's 1 - self-confidence) "
            'is a true issue. Values in %.', '']
    for variant in args.variants:
        base = osp.abspath(osp.join(args.work_root, variant))
        issues = osp.join(base, 'issues')
        corrected = osp.join(base, 'corrected.json')
        os.makedirs(base, exist_ok=True)
        options = [f'{loader}.dataset.variant={variant}'
                   for loader in LOADERS] + list(args.cfg_options)
        print(f'[label_issue_benchmark] {variant}: scoring', flush=True)
        run(['tools/analysis_tools/find_label_issues.py', args.config,
             '--out', issues, '--folds', str(args.folds), '--top', '25',
             '--fix-margin', str(args.fix_margin),
             '--write-annotation', corrected, '--cfg-options', *options],
            osp.join(base, 'find_label_issues.log'))
        text += [f'## DigitMosaic `{variant}`', '']
        reports = ranking(issues, args.ks)
        text += ranking_table(reports, args.ks) + [
            precision_verdict(reports, args.ks), '']
        if args.no_retrain:
            continue
        runs: Dict[str, List[dict]] = {}
        for name, ann in (('uncorrected', None), ('corrected', corrected)):
            cfg_path = osp.join(base, f'{name}_config.py')
            variant_config(args.config, variant, args.cfg_options, cfg_path,
                           ann)
            for seed in args.seeds:
                print(f'[label_issue_benchmark] {variant}: {name} seed '
                      f'{seed}', flush=True)
                runs.setdefault(name, []).append(train_and_test_in(
                    cfg_path, seed, osp.join(base, 'retrain', name,
                                             f'seed{seed}'), []))
        text += ['*retraining* (the corrected annotation fixes every '
                 f'flagged label with margin > {args.fix_margin}; '
                 'spurious positives become unknown):', '']
        text += retrain_table(runs, args.seeds)
    report = '\n'.join(text)
    print(report)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(report)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    cli.run_cli(lambda: benchmark(args, argv), args.debug)


if __name__ == '__main__':
    main()
