"""grokflow from Python against the command line: the same runs bit for bit, the same
messages, the GIL released, Ctrl-C as KeyboardInterrupt.

The command line is the `grokflow` binary named by $GROKFLOW, else the workspace's
target/debug or target/release build (`cargo build -p grokflow`)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import grokflow

ROOT = Path(__file__).resolve().parents[2]


def grokflow_binary() -> str:
    if "GROKFLOW" in os.environ:
        return os.environ["GROKFLOW"]
    for profile in ("debug", "release"):
        path = ROOT / "target" / profile / "grokflow"
        if path.exists():
            return str(path)
    pytest.fail("no grokflow binary: build it (cargo build -p grokflow) or set GROKFLOW")


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [grokflow_binary(), *args], capture_output=True, text=True, timeout=600
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def bits(values: np.ndarray) -> np.ndarray:
    """The float64 bit patterns, NaN (an empty CSV cell) as one pattern."""
    values = np.where(np.isnan(values), np.nan, values)
    return np.asarray(values, dtype=np.float64).view(np.uint64)


def csv_columns(text: str):
    lines = text.splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    return {
        name: np.array([float(r[i]) if r[i] else np.nan for r in rows])
        for i, name in enumerate(header)
    }


# One configuration per model family and number format that changes how a run steps:
# the diagonal net in f32 (the default), regression in f64, the MLP in bf16 with
# stochastic rounding (a per-thread random stream), matrix completion.
SAME_AS_CLI = [
    dict(preset="fig1a-small"),
    dict(preset="fig2-small", t_max=300, precision="f64"),
    dict(preset="mlp-tiny", t_max=10, precision="bf16-sr", seed=3),
    dict(preset="mc-tiny", t_max=200, lambda_=2e-3),
    # Your own data: a training set from .npz and a test set from .csv (the loss follows
    # from the ±1 labels, as on the command line).
    dict(
        data=str(ROOT / "tests" / "data" / "gd_reference.npz"),
        test_data=str(ROOT / "tests" / "data" / "gd_reference_test.csv"),
        t_max=100,
    ),
]


def as_flags(kwargs: dict) -> list:
    argv = []
    for key, value in kwargs.items():
        argv += ["--" + ("lambda" if key == "lambda_" else key.replace("_", "-")), str(value)]
    return argv


@pytest.mark.parametrize(
    "kwargs", SAME_AS_CLI, ids=lambda k: "-".join(Path(str(v)).name for v in k.values())
)
def test_a_run_is_the_command_lines_bit_for_bit(kwargs, tmp_path):
    csv = tmp_path / "run.csv"
    done = cli("run", *as_flags(kwargs), "--json", "--csv", str(csv))
    expected = json.loads(done.stdout)
    run = grokflow.run(**kwargs)
    for summary in (expected, run.summary):
        del summary["wall_s"]
    assert run.summary == expected
    columns = csv_columns(csv.read_text())
    assert list(run.trajectory) == list(columns)
    for name, column in columns.items():
        assert np.array_equal(bits(run.trajectory[name].astype(np.float64)), bits(column)), name
    assert run.trajectory["step"].dtype == np.int64
    # The parameters: as many as the model has, finite after a finished run, the last
    # snapshot no later than the end.
    assert run.status == "finished"
    assert run.params.ndim == 1 and np.all(np.isfinite(run.params))
    assert run.snapshots.shape == (len(run.snapshot_t), len(run.params))
    assert np.all(np.diff(run.snapshot_t) > 0) and run.snapshot_t[-1] <= run.trajectory["t"][-1]


def test_snapshots_follow_the_rate_and_start_at_theta_0():
    run = grokflow.run(preset="fig1a-small", t_max=1000, snapshots_per_decade=2)
    t = run.snapshot_t
    assert t[0] == 0.0
    # At most two per decade of t after the first record past 0.
    log_t = np.log10(t[1:])
    assert np.all(np.diff(log_t) >= 0.5 - 1e-12)
    # θ(0) of a diagonal net at scale α: u = v = α^(1/L) (the paper's symmetric start),
    # so every coordinate of the first snapshot has the same magnitude.
    first = np.abs(run.snapshots[0])
    assert np.allclose(first, first[0])
    none = grokflow.run(preset="fig1a-small", t_max=10, snapshots_per_decade=0)
    assert none.snapshots.shape == (0, len(none.params))


def test_the_keyword_for_lambda_is_lambda_underscore():
    a = grokflow.run(preset="fig1a-small", t_max=100, lambda_=0.004)
    assert a.summary["lambda"] == 0.004
    assert a.t_predicted == pytest.approx(np.log(128.0) / 0.004)


def test_a_list_in_one_keyword_is_one_run_per_value():
    runs = grokflow.run("fig1a-small", alpha=[1, 128], t_max=1e4, no_references=True)
    assert [r.summary["alpha"] for r in runs] == [1.0, 128.0]
    for r, alpha in zip(runs, [1, 128]):
        single = grokflow.run("fig1a-small", alpha=alpha, t_max=1e4, no_references=True)
        assert {k: v for k, v in r.summary.items() if k != "wall_s"} == {
            k: v for k, v in single.summary.items() if k != "wall_s"
        }
    # α = 1 fits by signs at once and rises while learning; α = 128 waits on a plateau.
    assert [r.summary["outcome"] for r in runs] == ["generalise", "grok"]
    with pytest.raises(ValueError, match="--alpha"):
        grokflow.run("fig1a-small", alpha=[1, -1])
    with pytest.raises(ValueError, match="only one flag"):
        grokflow.run("fig1a-small", alpha=[1, 2], lambda_=(1e-3, 2e-3))


@pytest.mark.parametrize(
    "kwargs, flags",
    [
        (dict(alpha=-1), ["--alpha", "-1"]),
        (dict(lambda_=float("nan")), ["--lambda", "nan"]),
        (dict(n_test=0), ["--n-test", "0"]),
        (dict(precision="f8"), ["--precision", "f8"]),
        (dict(preset="fig9"), ["--preset", "fig9"]),
    ],
)
def test_bad_values_raise_the_command_lines_message(kwargs, flags):
    done = cli("run", *flags, check=False)
    assert done.returncode == 2
    message = done.stderr.splitlines()[0].removeprefix("error: ")
    with pytest.raises(ValueError) as raised:
        grokflow.run(**kwargs)
    assert str(raised.value) == message
    # The message names the field.
    field = flags[0].removeprefix("--")
    assert field in message


def test_unknown_and_file_keywords_are_type_errors():
    with pytest.raises(TypeError, match="alpah"):
        grokflow.run(alpah=1)
    with pytest.raises(TypeError, match="csv"):
        grokflow.run(csv="out.csv")
    with pytest.raises(TypeError, match="switch"):
        grokflow.run(no_references="yes")


def test_a_sweep_is_the_command_lines_bit_for_bit(tmp_path):
    grid = dict(alphas=(4, 1024, 5), lambdas=(1e-3, 1e-2, 4), t_max=100)
    csv = tmp_path / "sweep.csv"
    cli(
        "sweep", "--alphas", "4:1024:5", "--lambdas", "0.001:0.01:4", "--t-max", "100",
        "--csv", str(csv), "--png", str(tmp_path / "sweep.png"),
    )
    swept = grokflow.sweep(**grid)

    def without_wall_time(text):
        return [line.rsplit(",", 1)[0] for line in text.splitlines()]

    assert without_wall_time(swept.csv) == without_wall_time(csv.read_text())
    # The law's fit, as the command line writes it beside its CSV (to t = 100 no run of this
    # grid is a grokking one to fit: both must say so the same way).
    assert swept.law == json.loads((tmp_path / "sweep.law.json").read_text())
    t_grok = swept.grid("t_grok")
    assert t_grok.shape == (1, 4, 5)
    # For each λ, a larger α groks later or not at all within the horizon (t ≈ ln α / λ).
    for row in t_grok[0]:
        grokked = row[~np.isnan(row)]
        assert np.all(np.diff(grokked) > 0)
    assert set(swept.columns["outcome"]) <= {
        "no-fit", "memorise", "generalise", "grok", "misgrok", "diverged"
    }


def test_python_shards_merge_on_the_command_line(tmp_path):
    grid = dict(alphas="4:400:3", lambdas="2e-3:1e-2:2", t_max=500)
    whole = tmp_path / "whole.csv"
    cli("sweep", "--alphas", "4:400:3", "--lambdas", "2e-3:1e-2:2", "--t-max", "500",
        "--csv", str(whole), "--png", str(tmp_path / "whole.png"))
    shards = []
    for i in range(2):
        shard = grokflow.sweep(**grid, shard=(i, 2))
        assert shard.law is None
        assert shard.csv.startswith(f"# grokflow ") and f"--shard {i}/2 of:" in shard.csv
        path = tmp_path / f"shard{i}.csv"
        shard.to_csv(path)
        shards.append(str(path))
    merged = tmp_path / "merged.csv"
    cli("sweep", "merge", *shards, "--csv", str(merged))
    strip = lambda p: [line.rsplit(",", 1)[0] for line in Path(p).read_text().splitlines()]
    assert strip(merged) == strip(whole)


def test_presets_are_the_command_lines():
    names = [p["name"] for p in grokflow.presets()]
    listed = cli("presets").stdout
    assert names and all(name in listed for name in names)
    fig1a = next(p for p in grokflow.presets() if p["name"] == "fig1a-small")
    assert fig1a["config"]["alpha"] > 0 and fig1a["config"]["lambda"] > 0


# A run far longer than the tests wait: gd at η = 10⁻⁴ to t = 10⁴ is 10⁸ steps.
LONG = dict(integrator="gd", lr=1e-4, no_references=True, snapshots_per_decade=0)


def test_the_gil_is_released_while_a_run_computes():
    done = threading.Event()

    def short_run():
        grokflow.run(preset="fig1a-small", t_max=3000, no_references=True)
        done.set()

    worker = threading.Thread(target=short_run)
    worker.start()
    spins = 0
    while not done.is_set():
        spins += 1
    worker.join()
    # With the GIL held for the whole run, this thread could not have run at all.
    assert spins > 10_000, spins


def test_ctrl_c_stops_a_run_with_keyboard_interrupt():
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        grokflow.run(preset="fig1a-small", **LONG)
    assert time.monotonic() - started < 20
    timer.join()


def test_ctrl_c_in_a_script_exits_with_keyboard_interrupt():
    script = "import grokflow; grokflow.run(preset='fig1a-small', integrator='gd', lr=1e-4)"
    child = subprocess.Popen(
        [sys.executable, "-c", script], stderr=subprocess.PIPE, text=True,
        cwd=Path(__file__).parent,
    )
    time.sleep(3.0)
    assert child.poll() is None, child.stderr.read()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode != 0
    assert err.rstrip().endswith("KeyboardInterrupt"), err[-2000:]
