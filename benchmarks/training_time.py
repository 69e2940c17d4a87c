r"""Time the default training settings and print a table of seconds and test accuracy.

Run from the repository root::

    python benchmarks/training_time.py [--repeats 3]

Each setting trains from scratch ``repeats`` times with the same seed. The
table shows the fastest run, because slower runs measure other load on the
machine rather than the code. Loading the data set is not timed.
"""
import argparse
import os
import platform
import sys
import time

import numpy as np

from backprop_viz.datasets import load_dataset
from backprop_viz.training import DIGITS_DEFAULTS, SPIRAL_DEFAULTS, Trainer

SETTINGS = {
    "DIGITS_DEFAULTS": DIGITS_DEFAULTS,
    "SPIRAL_DEFAULTS": SPIRAL_DEFAULTS,
}


def time_training(settings, repeats):
    """Train ``repeats`` times and return the fastest time in seconds and the final test accuracy."""
    split = load_dataset(settings["dataset"], **settings["dataset_options"])
    times = []
    accuracy = None

    for _ in range(repeats):
        start = time.perf_counter()
        trainer = Trainer.from_settings(settings, split=split)
        history = trainer.fit(settings["epochs"])
        times.append(time.perf_counter() - start)
        accuracy = history.test_accuracy[-1]

    return min(times), accuracy


def describe_machine():
    """Return the command, platform, CPU count and library versions, one line each."""
    return [
        f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}",
        f"platform: {platform.platform()}",
        f"processor: {platform.processor() or platform.machine()}",
        f"cpu count: {os.cpu_count()}",
        f"python: {platform.python_version()}",
        f"numpy: {np.__version__}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="training runs per setting; the fastest is shown (default 3)")
    arguments = parser.parse_args()
    if arguments.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {arguments.repeats}")

    for line in describe_machine():
        print(line)
    print()

    header = f"{'setting':<16} {'layer sizes':<16} {'epochs':>6} {'seconds':>8} {'test accuracy':>14}"
    print(header)
    print("-" * len(header))
    for name, settings in SETTINGS.items():
        seconds, accuracy = time_training(settings, arguments.repeats)
        sizes = "-".join(str(size) for size in settings["layer_sizes"])
        print(f"{name:<16} {sizes:<16} {settings['epochs']:>6} {seconds:>8.2f} {accuracy:>14.4f}")


if __name__ == "__main__":
    main()
