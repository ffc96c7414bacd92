"""Runs grokflow's `gd_step` benchmark beside the numpy and JAX versions of the same update
(gd_numpy.py, gd_jax.py) at the same sizes, and its `mlp_paper_gd_step` beside the JAX step
of the paper's modular-addition MLP (mlp_jax.py), and prints Markdown tables with the ratios.

    pip install numpy "jax[cpu]"
    python3 benches/peers/compare.py

A peer that is not installed is left out with a note; the Rust side always runs.
"""

import os
import platform
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIZES = [(64, 32), (1000, 256), (100000, 256)]
UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def bench_rows(name):
    """divan's output lines of the `steps` benches matching `name`."""
    return subprocess.run(
        ["cargo", "bench", "-q", "-p", "grokflow-benches", "--bench", "steps", "--", name],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.splitlines()


def median(cells):
    """The median cell of a divan row: fastest │ slowest │ median │ mean │ samples │ iters."""
    value, unit = [c.strip() for c in cells.split("│")][2].split()
    return float(value) * UNITS[unit]


def rust_seconds_per_step():
    """Median of divan's `gd_step` rows, keyed by (d, n)."""
    times = {}
    row = re.compile(r"d=(\d+) n=(\d+)\s+(.*)")
    for line in bench_rows("gd_step"):
        m = row.search(line)
        if m:
            times[(int(m.group(1)), int(m.group(2)))] = median(m.group(3))
    return times


MLP_WIDTHS = [128, 256, 512, 1024]


def rust_mlp_seconds_per_step():
    """Medians of divan's `mlp_width_gd_step` (by width) and `mlp_paper_gd_step` (1024)."""
    times = {}
    width_row = re.compile(r"[├╰]─ (\d+)\s+(.*│.*)")
    for line in bench_rows("mlp_"):
        if "mlp_paper_gd_step" in line:
            times[1024] = median(line.split("mlp_paper_gd_step", 1)[1])
        elif (m := width_row.search(line)) and "mlp" not in line:
            times[int(m.group(1))] = median(m.group(2))
    return times


def run_peer(script, args):
    """The output lines of a peer script, or [] with a note when it cannot run."""
    try:
        out = subprocess.run(
            [sys.executable, os.path.join(HERE, script), *args],
            cwd=HERE, check=True, capture_output=True, text=True,
        ).stdout
    except subprocess.CalledProcessError as err:
        print(f"note: {script} failed ({err.stderr.strip().splitlines()[-1]}); "
              f"install with: pip install numpy \"jax[cpu]\"", file=sys.stderr)
        return []
    return out.splitlines()


def jax_mlp_seconds_per_step():
    """mlp_jax.py's seconds per step, by width (p = 97)."""
    lines = run_peer("mlp_jax.py", [f"97x{w}" for w in MLP_WIDTHS])
    return {int(width): float(secs) for _, _, width, secs in map(str.split, lines)}


def peer_seconds_per_step(script):
    """A gd peer's seconds per step, keyed by (d, n)."""
    lines = run_peer(script, [f"{d}x{n}" for d, n in SIZES])
    return {(int(d), int(n)): float(secs) for _, d, n, secs in map(str.split, lines)}


def fmt(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def main():
    rust = rust_seconds_per_step()
    numpy = peer_seconds_per_step("gd_numpy.py")
    jax = peer_seconds_per_step("gd_jax.py")
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"gd step, f32, depth-2 diagonal net, logistic loss; {time.strftime('%Y-%m-%d')}, "
          f"{cpu}, {os.cpu_count()} cores\n")
    print("| d | n | grokflow | numpy | JAX (jit loop) | numpy / grokflow | JAX / grokflow |")
    print("|---|---|---|---|---|---|---|")
    for size in SIZES:
        r = rust.get(size)
        cells = [fmt(r) if r else "–"]
        for peer in (numpy, jax):
            cells.append(fmt(peer[size]) if size in peer else "–")
        for peer in (numpy, jax):
            cells.append(f"{peer[size] / r:.1f}×" if r and size in peer else "–")
        print(f"| {size[0]} | {size[1]} | " + " | ".join(cells) + " |")

    rust_mlp, jax_mlp = rust_mlp_seconds_per_step(), jax_mlp_seconds_per_step()
    print("\ngd step, f32, the paper's modular-addition MLP (p = 97, ReLU, 3763 training "
          "pairs, cross-entropy; the paper's width is 1024)\n")
    print("| width | grokflow | JAX (jit loop) | JAX / grokflow |")
    print("|---|---|---|---|")
    for width in MLP_WIDTHS:
        r, j = rust_mlp.get(width), jax_mlp.get(width)
        ratio = f"{j / r:.2f}×" if r and j else "–"
        print(f"| {width} | {fmt(r) if r else '–'} | {fmt(j) if j else '–'} | {ratio} |")


if __name__ == "__main__":
    main()
