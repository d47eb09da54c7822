"""What the settings dialogs run on their worker: service calls in order, then a fresh read.

Qt-free on purpose: a job is plain Python run by a ``SerialExecutor`` off the
GUI thread, and its :class:`StepsOutcome` says what went through, what
stopped it and what the board holds now, for the dialog to show on the GUI
thread. A job never raises: a failure is part of its outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    """One service call of a job.

    Attributes:
        what: the action in words ("saving person 'Bob'"), for the message about a failure.
        call: the service call; it must not touch a widget (it runs on the worker).
    """

    what: str
    call: Callable[[], Any]


@dataclass(frozen=True)
class StepsOutcome(Generic[T]):
    """What a job did.

    Attributes:
        results: what each step that went through returned, in order.
        failed: the step that raised (the steps after it did not run).
        error: what it raised.
        items: the fresh read, made when at least one step went through.
        load_error: what the fresh read raised.
    """

    results: tuple[Any, ...] = ()
    failed: Step | None = None
    error: BaseException | None = None
    items: T | None = None
    load_error: BaseException | None = None

    @property
    def complete(self) -> bool:
        """Every step went through."""
        return self.failed is None


def run_steps(steps: Sequence[Step], load: Callable[[], T] | None = None) -> StepsOutcome[T]:
    """Run ``steps`` in order until one raises; then ``load`` if anything was stored.

    Args:
        steps: the service calls, each in its own transaction (as the service runs them).
        load: the read that shows the result; skipped when no step went through,
            so a refused change leaves the dialog as the user left it.
    """
    results: list[Any] = []
    failed: Step | None = None
    error: BaseException | None = None
    for step in steps:
        try:
            results.append(step.call())
        except Exception as exc:  # shown by the dialog, never raised on the worker
            failed, error = step, exc
            break
    items: T | None = None
    load_error: BaseException | None = None
    if load is not None and results:
        try:
            items = load()
        except Exception as exc:
            load_error = exc
    return StepsOutcome(tuple(results), failed, error, items, load_error)


def run_read(load: Callable[[], T]) -> StepsOutcome[T]:
    """A read alone, as an outcome: ``items`` or ``load_error``."""
    try:
        return StepsOutcome(items=load())
    except Exception as exc:
        return StepsOutcome(load_error=exc)


__all__ = ["Step", "StepsOutcome", "run_read", "run_steps"]
