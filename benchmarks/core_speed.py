r"""Time one training step of the digits network in numpy against PyTorch on the CPU.

Run from the repository root::

    .venv/bin/python benchmarks/core_speed.py [--blocks 60] [--steps 50]

The network, batch size and optimiser are those of
``backprop_viz.training.DIGITS_DEFAULTS``: layers 64-64-10 with ReLU,
mini-batches of 32 float64 examples, cross-entropy, SGD with momentum 0.9.
Three steps are timed, in blocks of ``--steps`` steps whose order rotates
from block to block:

- numpy core: ``Network.loss_and_gradients`` and ``Momentum.step`` on one batch;
- numpy Trainer.step: the same plus batching, the finite checks and the
  evaluation at each epoch's end (the full step the apps call);
- torch: ``nn.Sequential`` of two ``nn.Linear`` in float64, ``F.cross_entropy``,
  ``backward`` and ``torch.optim.SGD(momentum=0.9)`` on the same batch.

Some machines here set OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE so that old
OpenBLAS builds run correctly; they make a current numpy pick a slower
kernel. The measurement therefore runs twice, in child processes: with the
environment as it is, and with both variables unset for that process only.
Each child reports its BLAS libraries and thread counts (threadpoolctl).
The children take turns, three times each. PyTorch runs with its default
intra-op thread count and again with one thread.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import _common

OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
TORCH_ONE_THREAD = "torch, 1 thread"
ALTERNATIONS = 3


def build_steps():
    """Return (name, step function) pairs for numpy and torch, starting from the same weights."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    from backprop_viz.datasets import load_dataset
    from backprop_viz.training import DIGITS_DEFAULTS, Trainer

    split = load_dataset(DIGITS_DEFAULTS["dataset"], **DIGITS_DEFAULTS["dataset_options"])
    trainer = Trainer.from_settings(DIGITS_DEFAULTS, split=split)
    core = Trainer.from_settings(DIGITS_DEFAULTS, split=split)
    batch_size = DIGITS_DEFAULTS["batch_size"]
    X = np.ascontiguousarray(split.X_train[:batch_size], dtype=np.float64)
    z = np.asarray(split.z_train[:batch_size])

    sizes = DIGITS_DEFAULTS["layer_sizes"]
    layers = []
    for k in range(1, len(sizes)):
        linear = torch.nn.Linear(sizes[k - 1], sizes[k], dtype=torch.float64)
        with torch.no_grad():
            # nn.Linear stores W^T: weight has shape (n_k, n_{k-1}).
            linear.weight.copy_(torch.from_numpy(core.network.weights[k].T.copy()))
            linear.bias.copy_(torch.from_numpy(core.network.biases[k].copy()))
        layers += [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer = torch.optim.SGD(model.parameters(), lr=DIGITS_DEFAULTS["learning_rate"], momentum=0.9)
    X_torch = torch.from_numpy(X)
    z_torch = torch.from_numpy(z.astype(np.int64))

    def numpy_core_step():
        loss, gradients = core.network.loss_and_gradients(X, z)
        core.optimizer.step(core.network.parameters(), [(gradients[k].dW, gradients[k].db) for k in core.network.layers])
        return loss

    def torch_step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(X_torch), z_torch)
        loss.backward()
        optimizer.step()
        return loss

    # Both start from the same weights, so their first losses must agree.
    first_numpy = float(numpy_core_step())
    first_torch = float(torch_step())
    steps = [("numpy core", numpy_core_step), ("numpy Trainer.step", trainer.step), ("torch", torch_step),
             (TORCH_ONE_THREAD, torch_step)]
    return steps, abs(first_numpy - first_torch)


def run_child(blocks, steps_per_block):
    """Time the steps, interleaved, and print one JSON object on stdout."""
    import numpy as np
    import torch
    from threadpoolctl import threadpool_info

    steps, loss_difference = build_steps()
    default_threads = torch.get_num_threads()
    per_step = {name: [] for name, _ in steps}
    for block in range(blocks + 2):
        order = steps[block % len(steps):] + steps[:block % len(steps)]
        for name, step in order:
            torch.set_num_threads(1 if name == TORCH_ONE_THREAD else default_threads)
            start = time.perf_counter()
            for _ in range(steps_per_block):
                step()
            elapsed = time.perf_counter() - start
            if block >= 2:  # the first two blocks warm caches and allocators
                per_step[name].append(1e6 * elapsed / steps_per_block)

    pools = [{key: pool.get(key) for key in ("internal_api", "version", "num_threads", "architecture", "threading_layer")}
             for pool in threadpool_info()]
    torch.set_num_threads(default_threads)
    print(json.dumps({
        "blocks_us": per_step,
        "loss_difference": loss_difference,
        "threadpools": pools,
        "torch_threads": default_threads,
        "torch_blas": "MKL" if torch.backends.mkl.is_available() else "no MKL",
        "numpy": np.__version__,
    }))


def measure(environment, blocks, steps_per_block):
    """Run this script as a child with ``environment`` and return its JSON result."""
    command = [sys.executable, os.path.abspath(__file__), "--child", f"--blocks={blocks}", f"--steps={steps_per_block}"]
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=600, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"the timing child failed with exit code {completed.returncode}:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def describe_pools(result):
    """Return one line per thread pool, for example ``openblas 0.3.29 Haswell, 2 threads``."""
    lines = []
    for pool in result["threadpools"]:
        details = " ".join(str(pool[key]) for key in ("internal_api", "version", "architecture", "threading_layer") if pool[key])
        lines.append(f"    {details}, {pool['num_threads']} threads")
    lines.append(f"    torch intra-op threads: {result['torch_threads']} ({result['torch_blas']})")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=60, help="timed blocks per step kind (default 60)")
    parser.add_argument("--steps", type=int, default=50, help="training steps per block (default 50)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    for name in ("blocks", "steps"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name} must be >= 1, got {getattr(arguments, name)}")
    if arguments.child:
        run_child(arguments.blocks, arguments.steps)
        return

    _common.print_header("One training step of the digits network: numpy against PyTorch")
    as_set = dict(os.environ)
    unset = {key: value for key, value in os.environ.items() if key not in OPENBLAS_VARIABLES}
    configurations = [("environment as set", as_set)]
    if any(key in os.environ for key in OPENBLAS_VARIABLES):
        configurations.append(("OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset", unset))

    # The configurations take turns, so a burst of load from elsewhere on the machine hits both.
    blocks_per_turn = max(1, arguments.blocks // ALTERNATIONS)
    blocks = {label: {} for label, _ in configurations}
    details = {}
    for turn in range(ALTERNATIONS):
        for label, environment in configurations:
            result = measure(environment, blocks_per_turn, arguments.steps)
            details[label] = result
            for name, values in result["blocks_us"].items():
                blocks[label].setdefault(name, []).extend(values)
        print(f"  turn {turn + 1}/{ALTERNATIONS} done", file=sys.stderr, flush=True)

    rows = []
    for label, _ in configurations:
        print(f"{label}:")
        for line in describe_pools(details[label]):
            print(line)
        print(f"    first-step loss difference numpy - torch: {details[label]['loss_difference']:.1e}")
        medians = {name: statistics.median(values) for name, values in blocks[label].items()}
        for torch_name in ("torch", TORCH_ONE_THREAD):
            for name in ("numpy core", "numpy Trainer.step"):
                ratio = medians[name] / medians[torch_name]
                rows.append([label, name, f"{medians[name]:.0f}", torch_name, f"{medians[torch_name]:.0f}",
                             f"{ratio:.2f}", "<= 1.0", _common.verdict(ratio, 1.0)])
    print()
    count = len(next(iter(blocks[configurations[0][0]].values())))
    print(f"Microseconds per step, median of {count} blocks of {arguments.steps} steps")
    _common.print_table(["environment", "numpy step", "numpy", "torch step", "torch", "numpy / torch", "target",
                         "result"], rows)


if __name__ == "__main__":
    main()
