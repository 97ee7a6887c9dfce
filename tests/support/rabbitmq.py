"""A RabbitMQ vhost of the test session's own on the local broker (127.0.0.1:5672)."""
import shutil
import socket
import subprocess
import uuid


def reachable(host: str = "127.0.0.1", port: int = 5672) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class Vhost:
    def __init__(self):
        self.name = f"bapas-test-{uuid.uuid4().hex[:8]}"

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:5672/{self.name}"

    def create(self) -> "Vhost":
        _ctl("add_vhost", self.name)
        _ctl("set_permissions", "-p", self.name, "guest", ".*", ".*", ".*")
        return self

    def delete(self) -> None:
        _ctl("delete_vhost", self.name, check=False)


def available() -> str | None:
    """None when tests can use RabbitMQ, else the reason they cannot."""
    if not reachable():
        return "RabbitMQ is not listening on 127.0.0.1:5672"
    if shutil.which("rabbitmqctl") is None:
        return "rabbitmqctl is not installed (needed to create a test vhost)"
    return None


def _ctl(*args, check: bool = True) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=check, capture_output=True, timeout=60)
