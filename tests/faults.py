"""A TCP proxy on loopback in front of PostgreSQL that a test can cut or freeze, to make a
real database go away under a live server (and come back)."""

import contextlib
import socket
import threading
from collections.abc import Iterator

from sqlalchemy.engine import make_url

from tests.conftest import free_port


class Proxy:
    """Forwards 127.0.0.1:`port` to `target`. `cut()` closes every connection and refuses
    new ones (a database that is down); `freeze()` keeps connections open but forwards
    nothing (a database that stopped answering); `restore()` undoes either."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.flowing = threading.Event()
        self.flowing.set()
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def url(self, database_url: str) -> str:
        """`database_url` (a PostgreSQL URL) through this proxy."""
        url = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return url.render_as_string(hide_password=False)

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut: the listener was closed
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Close the listener and every connection: connects are refused, reads fail."""
        if self.listener is not None:
            # shutdown first: close() alone does not wake the thread blocked in accept(),
            # which would go on accepting
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.flowing.set()

    def freeze(self) -> None:
        """Stop forwarding: connections stay open and nothing comes back."""
        self.flowing.clear()

    def restore(self) -> None:
        self.flowing.set()
        if self.listener is None:
            self.start()


@contextlib.contextmanager
def proxy_to(database_url: str) -> Iterator[Proxy]:
    """A started Proxy to the server of `database_url`; cut when the block ends."""
    url = make_url(database_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.cut()
