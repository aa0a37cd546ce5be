"""Does the default recipe learn? Held-out test F1 of `hpaic-train` at its defaults against the baselines.

For each of two fresh synthetic sets (seeds, difficulties and rare-class boosts other than those the defaults
were chosen on), 1,500 training / 400 test images at 128 px, it prints the test macro/micro F1 of:
the trivial baselines (`baseline_scores`), the classical-features baseline (`hpaic-baseline`), and
`hpaic-train DATA OUT` at its defaults followed by `hpaic-predict` (with its wall time). Every score is on the
test split, whose truth (`test_truth.csv`) neither training, checkpoint selection nor threshold fitting saw.

    .venv/bin/python bench/learn.py [--sets 7,8] [--dest data/bench_learn]   # ~45 min on 2 cores
    .venv/bin/python bench/learn.py --rescore   # the tables again from the runs already in --dest, no training

Run it on an otherwise idle machine: the wall times are part of the result (goal: training <= 20 min). Below each
table: the paired bootstrap interval of the CNN's macro F1 minus the classical baseline's over the test images.
"""
import argparse, os, subprocess, sys, time
from pathlib import Path
import numpy as np, pandas as pd
from sklearn.metrics import f1_score
from hpaic_nb.files import one_hot, read_labels
from hpaic_nb.inference import read_submission, score_submission
from hpaic_nb.learner import read_config
from hpaic_nb.metrics import baseline_scores
from hpaic_nb.synth.fields import generate_dataset

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Report sets: none of these seeds/difficulties/boosts was used to choose the defaults (those came from seed 101,
# difficulty 0.5, rare boost on; the classical baseline's features from seeds 101 and 303).
SETS = {7: dict(difficulty=0.3, rare_boost=True), 8: dict(difficulty=0.7, rare_boost=False)}

def run(*cmd, rescore=False)->float:
    "Run a console command, its output to this terminal's stderr; its wall time in seconds (NaN: not run, `rescore`)."
    if rescore: return float('nan')
    start = time.time()
    subprocess.run([str(c) for c in cmd], check=True, stdout=sys.stderr)
    return time.time() - start

def difference_interval(truth, sub_a, sub_b, n_boot=1000, seed=0)->tuple:
    "Macro F1 of submission `sub_a` minus `sub_b` on `truth`, and its 95% paired bootstrap interval over the images."
    y = read_labels(truth).set_index('Id').labels
    (a, b), y = (one_hot([read_submission(f)[i] for i in y.index]) for f in (sub_a, sub_b)), one_hot(y)
    diff = lambda i: f1_score(y[i], a[i], average='macro', zero_division=0) - f1_score(y[i], b[i], average='macro', zero_division=0)
    rng = np.random.default_rng(seed)
    boot = [diff(rng.integers(0, len(y), len(y))) for _ in range(n_boot)]
    return diff(np.arange(len(y))), *np.percentile(boot, [2.5, 97.5])

def bench_set(seed:int, dest:Path, rescore=False)->pd.DataFrame:
    "(Rows of the results table for synthetic set `seed`, `difference_interval` of the CNN and the classical baseline); `rescore`: from the runs in `dest`."
    data = dest/f'set{seed}'
    if not (data/'test_truth.csv').is_file():
        generate_dataset(data, n_train=1500, n_test=400, size=128, seed=seed, overwrite=True, **SETS[seed])
    truth = data/'test_truth.csv'
    rows = baseline_scores(one_hot(read_labels(data/'train.csv').labels), one_hot(read_labels(truth).labels))
    rows['seconds'] = float('nan')
    feats = dest/f'features{seed}'
    secs = run(BIN/'hpaic-baseline', data, feats, '--overwrite', rescore=rescore)
    rows.loc['classical features + logistic regression (hpaic-baseline)'] = {**score_submission(feats/'submission.csv', truth), 'seconds': secs}
    model = dest/f'model{seed}'
    secs = run(BIN/'hpaic-train', data, model, '--overwrite', rescore=rescore)
    run(BIN/'hpaic-predict', model, data/'test', '--dest', model/'submission.csv', '--sample-submission', data/'sample_submission.csv', '--overwrite', rescore=rescore)
    cfg = read_config(model)
    name = f"hpaic-train defaults ({cfg['arch']}, {cfg['train']['epochs']} epochs, {cfg['train']['loss']}, {cfg['train']['sampler']})"
    rows.loc[name] = {**score_submission(model/'submission.csv', truth), 'seconds': secs}
    print(f"set {seed}: held-out estimate of the run {cfg['scores']['holdout']['model']}, selected epoch {cfg['selected_epoch']}", file=sys.stderr)
    rows = rows.rename(columns={'macro': 'test macro F1', 'micro': 'test micro F1', 'seconds': 'wall time (s)'})
    return rows, difference_interval(truth, model/'submission.csv', feats/'submission.csv')

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--sets', default='7,8', help='comma-separated seeds of SETS')
    p.add_argument('--dest', default=str(ROOT/'data'/'bench_learn'), help='folder for the data sets and runs')
    p.add_argument('--rescore', action='store_true', help='score the runs already in --dest again, without running anything')
    a = p.parse_args()
    for seed in map(int, a.sets.split(',')):
        rows, difference = bench_set(seed, Path(a.dest), a.rescore)
        print(f"\n### Set {seed}: synthetic, seed {seed}, difficulty {SETS[seed]['difficulty']}, rare boost "
              f"{'on' if SETS[seed]['rare_boost'] else 'off'}; 1,500 train / 400 test images at 128 px\n")
        print(rows.sort_values('test macro F1', ascending=False).rename_axis('').round(3).to_markdown(), flush=True)
        print('\nCNN minus classical baseline, test macro F1: {:+.3f} (95% paired bootstrap interval {:+.3f} to {:+.3f})'.format(*difference))
    print(f"\n{os.cpu_count()} CPU cores, torch threads {__import__('torch').get_num_threads()}")

if __name__ == '__main__': main()
