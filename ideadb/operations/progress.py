"""How long steps report progress: a stage with a total and a callback that adds to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol


class Progress(Protocol):
    def note(self, message: str) -> None: ...

    def stage(self, label: str, total: int) -> AbstractContextManager[Callable[[int], None]]: ...


class Silent:
    """No output (library use, tests)."""

    def note(self, message: str) -> None:
        return None

    @contextmanager
    def stage(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        yield lambda n: None
