"""Protein localisation in 4-channel Human Protein Atlas images, with fastai, written as notebooks

Modules:

- `hpaic_nb.duplicates`: Near-duplicate images among the train, test and external HPA images, found by perceptual hashes of the nucleus channel: the pairs, groups to keep on one side of every split, and the test images whose labels are known."""

__version__ = "0.0.1"

import warnings
# fastai's layers call `torch.jit.script` at import, which torch >= 2.9 deprecates: every command would start
# with this warning on stderr, and a one-line error report would become three lines.
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
