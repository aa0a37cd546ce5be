"""One model against a K-fold ensemble, with and without TTA, by threshold strategy, on synthetic sets nothing was tuned on.

For each set (the report sets of `bench/learn.py`: 1,500 training / 400 test images at 128 px), it trains the
default recipe once (`hpaic-train DATA OUT --epochs E`) and as a K-fold ensemble at the same epochs per model
(`--folds K`), then scores both on the test split, whose truth (`test_truth.csv`) no training, checkpoint
selection or threshold fitting saw: each without and with dihedral TTA, each by the three threshold strategies on
the same probabilities (`hpaic_nb.analysis.comparison_table`), next to the trivial baselines.

    .venv/bin/python bench/folds.py [--sets 7,8] [--epochs 10] [--folds 5] [--dest data/bench_folds]   # ~30 min a set on 2 cores

Run it on an otherwise idle machine: the training times are part of the result.
"""
import argparse, os, subprocess, sys, time
from pathlib import Path
import pandas as pd
from hpaic_nb.analysis import comparison_table
from hpaic_nb.files import one_hot, read_labels
from hpaic_nb.learner import read_config
from hpaic_nb.metrics import baseline_scores
from hpaic_nb.synth.fields import generate_dataset

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SETS = {7: dict(difficulty=0.3, rare_boost=True), 8: dict(difficulty=0.7, rare_boost=False)}  # as bench/learn.py

def train(data, out, *args)->float:
    "`hpaic-train data out args`, replacing an earlier run; its wall time in minutes."
    start = time.time()
    subprocess.run([str(BIN/'hpaic-train'), str(data), str(out), '--overwrite', *map(str, args)], check=True, stdout=sys.stderr)
    return (time.time() - start) / 60

def bench_set(seed:int, dest:Path, epochs:int, folds:int)->pd.DataFrame:
    "The comparison table of synthetic set `seed`, with the baselines and each model's training time."
    data = dest/f'set{seed}'
    if not (data/'test_truth.csv').is_file(): generate_dataset(data, n_train=1500, n_test=400, size=128, seed=seed, overwrite=True, **SETS[seed])
    models = {'one model': dest/f'single{seed}', f'{folds}-fold ensemble': dest/f'folds{seed}'}
    minutes = {'one model': train(data, models['one model'], '--epochs', epochs),
               f'{folds}-fold ensemble': train(data, models[f'{folds}-fold ensemble'], '--epochs', epochs, '--folds', folds)}
    table = comparison_table(models, data)
    table['training (min)'] = [minutes[n.removesuffix(' + TTA')] for n in table.index]
    base = baseline_scores(one_hot(read_labels(data/'train.csv').labels), one_hot(read_labels(data/'test_truth.csv').labels))
    for name, row in base.iterrows(): table.loc[name] = {c: row[c.split()[0]] for c in table.columns if c.endswith(', f1')}
    oof = read_config(models[f'{folds}-fold ensemble'])['scores']['oof']
    print(f"set {seed}: the ensemble's out-of-fold macro F1 {oof['macro']:.3f} at thresholds fitted on it, {oof['macro_cv']:.3f} cross-fitted", file=sys.stderr)
    return table

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--sets', default='7,8', help='comma-separated seeds of SETS')
    p.add_argument('--epochs', type=int, default=10, help='epochs of every model')
    p.add_argument('--folds', type=int, default=5, help='K, the folds (and models) of the ensemble')
    p.add_argument('--dest', default=str(ROOT/'data'/'bench_folds'), help='folder for the data sets and runs')
    a = p.parse_args()
    for seed in map(int, a.sets.split(',')):
        table = bench_set(seed, Path(a.dest), a.epochs, a.folds)
        print(f"\n**Set {seed}: synthetic, seed {seed}, difficulty {SETS[seed]['difficulty']}, rare boost "
              f"{'on' if SETS[seed]['rare_boost'] else 'off'}; 1,500 train / 400 test images at 128 px; {a.epochs} epochs per model**\n")
        print(table.round(3).astype(object).where(table.notna(), '').to_markdown(), flush=True)
    print(f"\n{os.cpu_count()} CPU cores, torch threads {__import__('torch').get_num_threads()}")

if __name__ == '__main__': main()
