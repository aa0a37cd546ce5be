"What a bench script ran on, in one line for its results file (`from machine import machine`: bench/ is the script's path)."
import os, platform
import torch

def machine()->str:
    "The CPU cores and architecture, torch's version and its threads."
    return f"{os.cpu_count()} CPU cores ({platform.machine()}), torch {torch.__version__}, {torch.get_num_threads()} threads"
