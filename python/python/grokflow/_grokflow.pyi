"""The Rust extension behind :mod:`grokflow` (use the functions of :mod:`grokflow`)."""

from typing import List, Optional, Tuple

def check(argv: List[str]) -> None:
    """Checks ``grokflow run <argv…>`` without running it; raises ``ValueError`` with the
    command line's message for what it would refuse before a run starts.
    """

def run(
    argv: List[str], snapshots_per_decade: float
) -> Tuple[str, List[Tuple[str, bytes]], bytes, bytes, bytes]:
    """Runs ``grokflow run <argv…>`` without the GIL.

    Returns the summary as ``grokflow run --json`` prints it; the trajectory as
    ``(column, float64 bytes)`` in the CSV's column order (NaN for empty cells); the final
    parameters, the snapshot times and the snapshots (float64 bytes). Raises ``ValueError``
    with the command line's message, ``KeyboardInterrupt`` on Ctrl-C.
    """

def sweep(argv: List[str]) -> Tuple[str, List[float], List[float], Optional[str]]:
    """Runs ``grokflow sweep <argv…>`` without the GIL; the CSV text it writes, the grid's
    α and λ values."""

def presets() -> str:
    """The presets as JSON: ``[{"name", "description", "config"}]``."""

def flags(subcommand: str) -> List[Tuple[str, bool]]:
    """The long flags of ``grokflow <subcommand>`` and whether each takes a value."""
