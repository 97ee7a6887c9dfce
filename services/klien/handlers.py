"""bimbingan's enrollment events -> each client's guidance view: one entry per enrollment,
overwritten by the newest state (the Applier drops older sequences)."""
import json


def enrollment_changed(pipe, event: dict) -> None:
    data = event["data"]
    entry = {"enrollment_id": data["id"], "program_id": data["program_id"], "group_id": data["group_id"],
             "status": data["status"], "sessions_attended": data.get("sessions_attended", 0),
             "sessions_missed": data.get("sessions_missed", 0)}
    pipe.multi()
    pipe.hset(f"klien:guidance:{data['client_id']}", data["id"], json.dumps(entry))


HANDLERS = {"bimbingan.enrollment.created": enrollment_changed}
