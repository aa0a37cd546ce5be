"""Does the default recipe learn? Held-out test F1 of `hpaic-train` at its defaults against the baselines.

For each of two fresh synthetic sets (seeds, difficulties and rare-class boosts other than those the defaults
were chosen on), 1,500 training / 400 test images at 128 px, it prints the test macro/micro F1 of:
the trivial baselines (`baseline_scores`), the classical-features baseline (`hpaic-baseline`), and
`hpaic-train DATA OUT` at its defaults followed by `hpaic-predict` (with its wall time). Every score is on the
test split, whose truth (`test_truth.csv`) neither training, checkpoint selection nor threshold fitting saw.

    .venv/bin/python bench/learn.py [--sets 7,8] [--dest data/bench_learn]   # ~45 min on 2 cores

Run it on an otherwise idle machine: the wall times are part of the result (goal: training <= 20 min).
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path
import pandas as pd
from hpaic_nb.data import one_hot, read_labels
from hpaic_nb.inference import score_submission
from hpaic_nb.learner import baseline_scores
from hpaic_nb.synthetic import generate_dataset

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Report sets: none of these seeds/difficulties/boosts was used to choose the defaults (those came from seed 101,
# difficulty 0.5, rare boost on; the classical baseline's features from seeds 101 and 303).
SETS = {7: dict(difficulty=0.3, rare_boost=True), 8: dict(difficulty=0.7, rare_boost=False)}

def run(*cmd)->float:
    "Run a console command, its output to this terminal's stderr; its wall time in seconds."
    start = time.time()
    subprocess.run([str(c) for c in cmd], check=True, stdout=sys.stderr)
    return time.time() - start

def bench_set(seed:int, dest:Path)->pd.DataFrame:
    "Rows of the results table for synthetic set `seed`."
    data = dest/f'set{seed}'
    if not (data/'test_truth.csv').is_file():
        generate_dataset(data, n_train=1500, n_test=400, size=128, seed=seed, overwrite=True, **SETS[seed])
    truth = data/'test_truth.csv'
    rows = baseline_scores(one_hot(read_labels(data/'train.csv').labels), one_hot(read_labels(truth).labels))
    rows['seconds'] = float('nan')
    feats = dest/f'features{seed}'
    secs = run(BIN/'hpaic-baseline', data, feats, '--overwrite')
    rows.loc['classical features + logistic regression (hpaic-baseline)'] = {**score_submission(feats/'submission.csv', truth), 'seconds': secs}
    model = dest/f'model{seed}'
    secs = run(BIN/'hpaic-train', data, model, '--overwrite')
    run(BIN/'hpaic-predict', model, data/'test', '--dest', model/'submission.csv', '--sample-submission', data/'sample_submission.csv', '--overwrite')
    cfg = json.loads((model/'config.json').read_text())
    name = f"hpaic-train defaults ({cfg['arch']}, {cfg['train']['epochs']} epochs, {cfg['train']['loss']}, {cfg['train']['sampler']})"
    rows.loc[name] = {**score_submission(model/'submission.csv', truth), 'seconds': secs}
    print(f"set {seed}: held-out estimate of the run {cfg['scores']['holdout']['model']}, selected epoch {cfg['selected_epoch']}", file=sys.stderr)
    return rows.rename(columns={'macro': 'test macro F1', 'micro': 'test micro F1', 'seconds': 'wall time (s)'})

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--sets', default='7,8', help='comma-separated seeds of SETS')
    p.add_argument('--dest', default=str(ROOT/'data'/'bench_learn'), help='folder for the data sets and runs')
    a = p.parse_args()
    for seed in map(int, a.sets.split(',')):
        rows = bench_set(seed, Path(a.dest))
        print(f"\n### Set {seed}: synthetic, seed {seed}, difficulty {SETS[seed]['difficulty']}, rare boost "
              f"{'on' if SETS[seed]['rare_boost'] else 'off'}; 1,500 train / 400 test images at 128 px\n")
        print(rows.sort_values('test macro F1', ascending=False).rename_axis('').round(3).to_markdown(), flush=True)
    print(f"\n{os.cpu_count()} CPU cores, torch threads {__import__('torch').get_num_threads()}")

if __name__ == '__main__': main()
