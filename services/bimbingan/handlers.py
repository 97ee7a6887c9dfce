"""klien's client events -> bimbingan's replica of each client's status."""
import json


def client_changed(pipe, event: dict) -> None:
    data = event["data"]
    pipe.multi()
    pipe.set(f"bimbingan:replica:client:{data['id']}", json.dumps({"status": data["status"],
                                                                   "sequence": event["sequence"]}))


HANDLERS = {"klien.client.registered": client_changed}
