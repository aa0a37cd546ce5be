"""How the packaged synthetic-pretrained weights were made (`hpaic_nb/weights/hpa_cnn_synthetic/`).

Two synthetic sets of 6,000 labelled fields at 128 px (seeds 1001 and 1002, difficulties 0.5 and 0.8, rare
classes boosted) are joined into one folder (symlinks) and `hpa_cnn` is trained on them from scratch with
`hpaic-train` in two stages: 3 epochs at learning rate 1e-2, then 2 more epochs from the first stage's weights at
3e-3 (BCE, 5% validation, no held-out part, final weights kept). The report sets of `bench/learn.py` (seeds 7 and 8,
difficulties 0.3 and 0.7) share neither seed nor difficulty with them; the tuning set (seed 101) shares difficulty 0.5.

    .venv/bin/python tools/pretrain.py [--dest data/pretrain]   # ~50 min on 2 CPU cores
"""
import argparse, subprocess, sys
from pathlib import Path
import pandas as pd
from hpaic_nb.synth.fields import generate_dataset

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PARTS = {1001: 0.5, 1002: 0.8}  # seed: difficulty

def joined_set(dest:Path)->Path:
    "Generate the parts and join them into `dest/joined` (labels concatenated, images symlinked)."
    joined = dest/'joined'
    if (joined/'train.csv').is_file(): return joined
    (joined/'train').mkdir(parents=True, exist_ok=True)
    tables = []
    for seed, difficulty in PARTS.items():
        part = dest/f'seed{seed}'
        if not (part/'train.csv').is_file():
            generate_dataset(part, n_train=6000, n_test=0, size=128, seed=seed, difficulty=difficulty, rare_boost=True, overwrite=True)
        for f in (part/'train').iterdir():
            if not (joined/'train'/f.name).exists(): (joined/'train'/f.name).symlink_to(f.resolve())
        tables.append(pd.read_csv(part/'train.csv', dtype=str))
    pd.concat(tables).to_csv(joined/'train.csv', index=False)
    return joined

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dest', default=str(ROOT/'data'/'pretrain'))
    a = p.parse_args()
    data, dest = joined_set(Path(a.dest)), Path(a.dest)
    common = ['--arch', 'hpa_cnn', '--bs', '32', '--loss', 'bce', '--sampler', 'shuffle', '--valid-pct', '0.05', '--holdout-pct', '0',
              '--select', 'last', '--seed', '42', '--threads', '2', '--overwrite']
    for stage, (epochs, lr, init) in enumerate([(3, '1e-2', 'none'), (2, '3e-3', str(dest/'stage0'))]):
        subprocess.run([BIN/'hpaic-train', data, dest/f'stage{stage}', '--epochs', str(epochs), '--lr', lr, '--init', init, *common], check=True)
    print(f"pretrained model in {dest/'stage1'}; copy its config.json and model.safetensors to hpaic_nb/weights/hpa_cnn_synthetic/ to ship it")

if __name__ == '__main__': main()
