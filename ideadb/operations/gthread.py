"""gunicorn's threaded worker that listens for new connections only while a thread is free."""

from __future__ import annotations

from typing import Any

from gunicorn.workers.gthread import ThreadWorker


class FreeThreadWorker(ThreadWorker):
    """``gthread`` that leaves new connections to a worker with a free thread.

    The workers wait on one listening socket, and Linux wakes the one that waited last (epoll
    is last in, first out); the busiest worker comes back to wait most often, so it takes
    nearly every connection: 48 of 58 open connections on one worker under load, and all 54
    on the first of two workers started again after ``max_requests``, the other idle while
    one process ran on one core. Here a worker whose threads are all busy stops listening
    until one is free, and a new connection waits in the kernel's queue for whichever worker
    has a free thread first: the workers share the load, first come, first served. This needs
    each request on its own connection (``keepalive = 0``, the default of ``ideadb serve``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # requests handed to threads and not finished (main thread only)

    def enqueue_req(self, conn: Any) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)

    def set_accept_enabled(self, enabled: bool) -> None:
        # With keep-alive, requests of open connections would always pass before those waiting
        # in the kernel's queue (seconds of wait at 50 clients): listen as gthread does.
        free = self.in_flight < self.cfg.threads or self.cfg.keepalive > 0
        super().set_accept_enabled(enabled and free)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if self.alive:  # re-decide before each wait: a thread may have been freed or taken
            self.set_accept_enabled(self.nr_conns < self.worker_connections)
        super().wait_for_and_dispatch_events(timeout)
