"""CPU time of groups of processes on Linux (``/proc``): where a benchmark's CPU went."""

from __future__ import annotations

import os

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: str) -> tuple[str, int, int]:
    with open(f"/proc/{pid}/stat", "rb") as fh:
        data = fh.read()
    end = data.rindex(b")")
    comm = data[data.index(b"(") + 1 : end].decode(errors="replace")
    fields = data[end + 2 :].split()
    return comm, int(fields[1]), int(fields[11]) + int(fields[12])  # ppid, utime + stime


def snapshot() -> dict[int, tuple[str, int, int]]:
    """``{pid: (name, parent pid, CPU ticks)}`` of every process, empty where there is no /proc."""
    out = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return out
    for name in names:
        if name.isdigit():
            try:
                out[int(name)] = _stat(name)
            except (OSError, ValueError, IndexError):
                continue  # ended meanwhile
    return out


def _tree(snap: dict[int, tuple[str, int, int]], root: int) -> set[int]:
    members, grew = {root}, True
    while grew:
        more = {pid for pid, (_, ppid, _) in snap.items() if ppid in members} - members
        members |= more
        grew = bool(more)
    return members & snap.keys()


def seconds_by_group(
    before: dict[int, tuple[str, int, int]],
    after: dict[int, tuple[str, int, int]],
    roots: dict[str, int],
    names: dict[str, str],
) -> dict[str, float]:
    """CPU seconds used between two snapshots by each root process with its descendants
    (``roots``: group → pid) and by every process of a name (``names``: group → name)."""
    out = {}
    for group, root in roots.items():
        pids = _tree(after, root)
        out[group] = sum(after[p][2] - before.get(p, (0, 0, 0))[2] for p in pids) / TICKS
    for group, name in names.items():
        pids = [p for p, (comm, _, _) in after.items() if comm == name]
        out[group] = sum(after[p][2] - before.get(p, (0, 0, 0))[2] for p in pids) / TICKS
    return out
