"""grokflow from Python: runs and (α, λ) sweeps of grokflow's simulation core, with numpy
results.

Keyword arguments are the flags of ``grokflow run`` and ``grokflow sweep``, with ``-``
written ``_`` (``n_test=``, ``t_max=``); the weight decay ``--lambda`` is ``lambda_``, as
``lambda`` is a Python keyword. Each value means what the flag means, and a bad one raises
``ValueError`` with the command line's own message, naming the field and its range.

The computation runs in Rust without the GIL; Ctrl-C stops it between steps and raises
``KeyboardInterrupt``.

>>> import grokflow
>>> run = grokflow.run(preset="fig1a-small", alpha=100.0)
>>> run.status, run.t_grok
>>> run.trajectory["test_acc"]          # one numpy array per CSV column
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Union

import numpy as np

from . import _grokflow

__all__ = ["Run", "Sweep", "presets", "run", "sweep"]

# Flags of the command line that write files or print: the returned objects carry their
# contents instead.
_RUN_FILES = {"csv", "plot", "json"}
_SWEEP_FILES = {"csv", "png", "svg"}


def _flag_text(name: str, value: Any) -> str:
    """The command-line text of one flag's value."""
    if isinstance(value, (tuple, list)):
        # alphas=(1, 1e4, 16) -> 1:10000.0:16; shard=(0, 4) -> 0/4
        separator = "/" if name == "shard" else ":"
        return separator.join(_flag_text(name, v) for v in value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        # repr of a float is its shortest exact form: Rust reads back the same double.
        return repr(float(value))
    return str(value)


@functools.lru_cache(maxsize=None)
def _known_flags(subcommand: str) -> Dict[str, bool]:
    """The subcommand's flags and whether each takes a value (asked of the parser once)."""
    return dict(_grokflow.flags(subcommand))


def _argv(function: str, subcommand: str, excluded: set, flags: Dict[str, Any]) -> List[str]:
    """The command line that ``flags`` (keyword arguments) stand for."""
    known = _known_flags(subcommand)
    argv = []
    for key, value in flags.items():
        name = "lambda" if key == "lambda_" else key.replace("_", "-")
        if name not in known or name in excluded:
            allowed = sorted(
                "lambda_" if f == "lambda" else f.replace("-", "_")
                for f in known
                if f not in excluded
            )
            raise TypeError(
                f"{function}() got an unexpected keyword argument {key!r}; "
                f"allowed: {', '.join(allowed)}"
            )
        if value is None:
            continue
        if not known[name]:
            # A switch: True gives the flag, False leaves it out.
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{function}(): {key} is a switch: True or False, not {value!r}")
            if value:
                argv.append("--" + name)
            continue
        argv += ["--" + name, _flag_text(name, value)]
    return argv


def _floats(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype=np.float64).copy()


@dataclass(frozen=True)
class Run:
    """One finished run.

    ``summary`` is the object ``grokflow run --json`` prints (its keys: the configuration's
    fields, ``status``, ``t_fit``, ``t_grok``, ``t_drop``, ``t_predicted``, the ``final_*``
    values, ``steps``, ``wall_s``, …). ``trajectory`` holds one array per column of
    ``grokflow run --csv`` (``t``, ``step``, ``train_loss``, ``train_acc``, ``test_acc``,
    ``param_norm``, ``margin``, …), NaN where the CSV cell is empty; ``step`` is int64, the
    rest float64. ``params`` are the parameters θ at the end; ``snapshots[k]`` are θ at
    time ``snapshot_t[k]``.
    """

    summary: Dict[str, Any]
    trajectory: Dict[str, np.ndarray]
    params: np.ndarray
    snapshot_t: np.ndarray
    snapshots: np.ndarray

    @property
    def status(self) -> str:
        """How the run ended: ``finished``, ``diverged`` or ``stopped``."""
        return self.summary["status"]

    @property
    def t_fit(self) -> Optional[float]:
        """When the training set was first fitted, or None."""
        return self.summary["t_fit"]

    @property
    def t_grok(self) -> Optional[float]:
        """When the run generalised (test accuracy ≥ 95%, or the test loss fell), or None."""
        return self.summary["t_grok"]

    @property
    def t_drop(self) -> Optional[float]:
        """When the test accuracy fell 20 points below its value at the fit, or None."""
        return self.summary["t_drop"]

    @property
    def t_predicted(self) -> Optional[float]:
        """The paper's prediction of the transition, ln α / λ."""
        return self.summary["t_predicted"]

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"Run(preset={s['preset']!r}, alpha={s['alpha']}, lambda_={s['lambda']}, "
            f"status={self.status!r}, t_fit={self.t_fit}, t_grok={self.t_grok}, "
            f"t_predicted={self.t_predicted}, records={len(self.trajectory['t'])})"
        )


def run(
    preset: Optional[str] = None, *, snapshots_per_decade: float = 8.0, **flags: Any
) -> Union[Run, List[Run]]:
    """Runs one experiment as ``grokflow run`` does and returns it whole.

    ``preset`` and ``flags`` are the flags of ``grokflow run`` (``alpha=``, ``lambda_=``,
    ``seed=``, ``t_max=``, ``precision=``, ``task=``, ``config=`` a saved experiment,
    ``data=`` a data file, ``no_references=True``, …); ``grokflow presets`` or
    :func:`presets` lists the presets. The parameters are kept at most
    ``snapshots_per_decade`` times per decade of t (0: only at the end).

    A list (or tuple) for one flag, ``alpha=[1, 10, 100]``, runs one experiment per value, one
    after another (Ctrl-C stops the one running), and returns the list of runs in that order,
    as ``grokflow run --alpha 1,10,100`` does on the command line.

    Raises ``ValueError`` for a value out of range (the command line's message), and
    ``KeyboardInterrupt`` on Ctrl-C (the run stops between steps).
    """
    lists = [key for key, value in flags.items() if isinstance(value, (list, tuple))]
    if len(lists) > 1:
        raise ValueError(
            f"only one flag may take a list of values: {lists[0]} and {lists[1]} both do"
        )
    if lists:
        key = lists[0]
        values = flags.pop(key)
        # Every value is checked before the first run starts, so none is lost to a typo.
        for value in values:
            named = {**flags, key: value, "preset": preset}
            _grokflow.check(_argv("run", "run", _RUN_FILES, named))
        return [
            run(preset, snapshots_per_decade=snapshots_per_decade, **flags, **{key: value})
            for value in values
        ]
    if preset is not None:
        flags["preset"] = preset
    argv = _argv("run", "run", _RUN_FILES, flags)
    summary, columns, params, snapshot_t, snapshots = _grokflow.run(
        argv, float(snapshots_per_decade)
    )
    trajectory = {name: _floats(raw) for name, raw in columns}
    trajectory["step"] = trajectory["step"].astype(np.int64)
    params = _floats(params)
    snapshot_t = _floats(snapshot_t)
    return Run(
        summary=json.loads(summary),
        trajectory=trajectory,
        params=params,
        snapshot_t=snapshot_t,
        snapshots=_floats(snapshots).reshape(len(snapshot_t), len(params)),
    )


@dataclass(frozen=True)
class Sweep:
    """A finished sweep (or one shard of it).

    ``csv`` is the text ``grokflow sweep`` writes (a shard's starts with the line naming
    it, so that ``grokflow sweep merge`` takes it); ``columns`` holds one array per CSV
    column, one entry per run in the CSV's order (``outcome`` as strings, ``seed`` and
    ``steps`` as int64, the times NaN where a run never reached them). ``alphas`` and
    ``lambdas`` are the grid's values; :meth:`grid` lays a column out on them. ``law`` is the
    paper's law fitted over the grokking runs, as ``grokflow sweep`` writes it to
    ``sweep.law.json`` (``slope``, ``intercept`` of λ·t_grok against ln α, their
    ``*_error`` over seeds, ``points``, ``seeds``); None for a shard.
    """

    csv: str
    alphas: np.ndarray
    lambdas: np.ndarray
    columns: Dict[str, np.ndarray]
    law: Optional[Dict[str, Any]] = None

    def grid(self, column: str) -> np.ndarray:
        """``column`` laid out as ``[seed offset, λ index, α index]`` (NaN or "" where a run
        is not in this result, as in a shard)."""
        values = self.columns[column]
        seeds = self.columns["seed"]
        first = int(seeds.min()) if len(seeds) else 0
        count = int(seeds.max()) - first + 1 if len(seeds) else 1
        shape = (count, len(self.lambdas), len(self.alphas))
        text = values.dtype.kind == "U"
        out = np.full(shape, "" if text else np.nan, dtype=values.dtype if text else np.float64)
        # The CSV holds the grid's own values: exact matches.
        a = np.searchsorted(self.alphas, self.columns["alpha"])
        lam = np.searchsorted(self.lambdas, self.columns["lambda"])
        out[seeds - first, lam, a] = values
        return out

    def to_csv(self, path: "os.PathLike[str] | str") -> None:
        """Writes :attr:`csv` to ``path``."""
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(self.csv)


def sweep(preset: Optional[str] = None, **flags: Any) -> Sweep:
    """Runs an (α, λ) grid as ``grokflow sweep`` does, on every core.

    ``alphas=(low, high, count)`` and ``lambdas=(low, high, count)`` are log-spaced ranges
    (or the command line's ``"1:1e4:16"``); ``seeds=``, ``t_max=``, ``threads=`` and
    ``shard=(i, n)`` (the i-th of n slices, for a cluster) as on the command line.

    Raises ``ValueError`` for a value out of range and ``KeyboardInterrupt`` on Ctrl-C.
    """
    if preset is not None:
        flags["preset"] = preset
    argv = _argv("sweep", "sweep", _SWEEP_FILES, flags)
    text, alphas, lambdas, law = _grokflow.sweep(argv)
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    header, rows = lines[0].split(","), [line.split(",") for line in lines[1:]]
    columns = {}
    for i, name in enumerate(header):
        cells = [row[i] for row in rows]
        if name == "outcome":
            columns[name] = np.array(cells, dtype=str)
        elif name in ("seed", "steps"):
            columns[name] = np.array([int(c) for c in cells], dtype=np.int64)
        else:
            # float() reads the shortest exact form back to the same double.
            columns[name] = np.array([float(c) if c else np.nan for c in cells])
    return Sweep(
        csv=text,
        alphas=np.array(alphas),
        lambdas=np.array(lambdas),
        columns=columns,
        law=None if law is None else json.loads(law),
    )


def presets() -> List[Dict[str, Any]]:
    """The presets: ``name``, ``description`` and ``config`` (every field's value)."""
    return json.loads(_grokflow.presets())
