"""The floor: the least a write endpoint can do. It validates a 5-field marshmallow schema and
writes one Redis hash; served by gunicorn with the services' gunicorn worker class and the same workers and
threads (bench/deploy.py `floor`), whichever server `bapas serve` runs the services under.

    REDIS_URL=redis://... gunicorn --worker-class gthread ... 'bench.floor_app:create_app()'
"""
import os
import uuid

import redis
from flask import Flask, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate


class FloorBody(Schema):
    register_number = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    nik = fields.String(required=True, validate=validate.Regexp(r"^\d{16}$"))
    birth_date = fields.Date(required=True)
    sex = fields.String(required=True, validate=validate.OneOf(("L", "P")))


def create_app() -> Flask:
    app = Flask("floor")
    client = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    schema = FloorBody()

    @app.post("/things")
    def post_thing():
        try:
            body = schema.load(request.get_json())
        except ValidationError as exc:
            return jsonify(errors=exc.messages), 422
        thing_id = str(uuid.uuid4())
        record = {**schema.dump(body), "id": thing_id}
        client.hset(f"floor:thing:{thing_id}", mapping=record)
        return jsonify(record), 201

    return app
