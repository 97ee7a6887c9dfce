"""A TCP proxy in front of Redis that, when armed, lets one EXEC through and then drops the
connection instead of passing its reply on: the transaction is committed, the client never
learns it (as when Redis or the network dies right after EXEC)."""
import socket
import threading

from tests.support.ports import free_port

EXEC = b"$4\r\nEXEC\r\n"


class LossyRedis:
    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.dropped = 0
        self._armed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def drop_next_exec_reply(self) -> None:
        self._armed.set()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            exec_sent = threading.Event()
            threading.Thread(target=self._requests, args=(client, upstream, exec_sent), daemon=True).start()
            threading.Thread(target=self._replies, args=(upstream, client, exec_sent), daemon=True).start()

    def _requests(self, client, upstream, exec_sent) -> None:
        try:
            while data := client.recv(65536):
                if EXEC in data and self._armed.is_set():
                    exec_sent.set()
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            _close(client, upstream)

    def _replies(self, upstream, client, exec_sent) -> None:
        try:
            while data := upstream.recv(65536):
                if exec_sent.is_set() and self._armed.is_set():
                    # The reply holds EXEC's answer (redis-py sends MULTI..EXEC in one write and
                    # reads every reply before sending anything else): committed, never told.
                    self._armed.clear()
                    self.dropped += 1
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            _close(client, upstream)


def _close(*sockets) -> None:
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
