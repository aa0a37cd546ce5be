__version__ = "0.0.1"

import warnings
# fastai's layers call `torch.jit.script` at import, which torch >= 2.9 deprecates: every command would start
# with this warning on stderr, and a one-line error report would become three lines.
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
