r"""Run every benchmark in sequence, each in its own process, and print their tables.

Run from the repository root::

    .venv/bin/python benchmarks/run_all.py [--skip NAME ...]

The scripts run one after another, never at the same time, because each one
measures a machine that the others would load. A failing script is reported
and the rest still run; the exit code is 1 if any failed.
"""
import argparse
import subprocess
import sys
import time
from pathlib import Path

SCRIPTS = ("core_speed", "latency", "drag", "startup", "class_load", "training_time")
HERE = Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", nargs="*", default=[], choices=SCRIPTS, metavar="NAME",
                        help=f"scripts to leave out, from: {', '.join(SCRIPTS)}")
    arguments = parser.parse_args()

    failed = []
    for name in SCRIPTS:
        if name in arguments.skip:
            continue
        print(f"\n### {name}\n", flush=True)
        start = time.perf_counter()
        completed = subprocess.run([sys.executable, f"benchmarks/{name}.py"], cwd=HERE.parent, check=False)
        print(f"({name} took {time.perf_counter() - start:.0f} s, exit code {completed.returncode})", flush=True)
        if completed.returncode != 0:
            failed.append(name)

    if failed:
        print(f"\nFailed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
