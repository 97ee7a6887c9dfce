"""AsyncAPI 3.0 from a service's event catalog: the same marshmallow schemas that validate events."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from shared.catalog import Catalog
from shared.config import EXCHANGE
from shared.envelope import CloudEventSchema, build_event


def _json_schemas(catalog: Catalog) -> dict:
    spec = APISpec(title="events", version="1", openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.schema("CloudEvent", schema=CloudEventSchema)
    # Several types may share one data schema (all enrollment events carry the enrollment's state):
    # each schema class is one component, named after the class.
    for schema in dict.fromkeys(event_type.schema for event_type in catalog):
        spec.components.schema(schema_name(schema), schema=schema)
    return spec.to_dict()["components"]["schemas"]


def schema_name(schema) -> str:
    return schema.__name__


def _message_name(event_type: str) -> str:
    return event_type.replace(".", "_")


def example_event(catalog: Catalog, event_type: str, region: str) -> dict:
    entry = catalog.get(event_type)
    event = build_event(region=region, service=catalog.service, type=event_type,
                        subject=entry.example.get("id", "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e"), sequence=1,
                        data=entry.example, correlation_id="6b1d8a8e-1c1e-4a59-8f7e-9a1b2c3d4e5f",
                        dataversion=entry.dataversion, time="2026-01-05T03:04:05.000Z")
    event["id"] = "0d9a5c1e-2b7f-4f43-9a61-5e7c8b9d0a12"
    return event


def _message(catalog: Catalog, entry, region: str) -> dict:
    return {
        "name": entry.type,
        "title": entry.type,
        "summary": entry.summary,
        "contentType": "application/cloudevents+json",
        "payload": {"allOf": [
            {"$ref": "#/components/schemas/CloudEvent"},
            {"type": "object", "properties": {
                "type": {"type": "string", "enum": [entry.type]},
                "dataversion": {"type": "integer", "enum": [entry.dataversion]},
                "data": {"$ref": f"#/components/schemas/{schema_name(entry.schema)}"}}},
        ]},
        # The AMQP message binding (0.3.0) knows only contentEncoding and messageType; persistent
        # delivery (deliveryMode 2) belongs to the operation's binding, below.
        "bindings": {"amqp": {"contentEncoding": "utf-8", "messageType": entry.type, "bindingVersion": "0.3.0"}},
        "examples": [{"name": "example", "payload": example_event(catalog, entry.type, region)}],
    }


def document(catalog: Catalog, *, region: str) -> dict:
    messages = {_message_name(e.type): _message(catalog, e, region) for e in catalog}
    channel_messages = {name: {"$ref": f"#/components/messages/{name}"} for name in messages}
    operations = {
        f"publish_{name}": {
            "action": "send",
            "title": entry.type,
            "summary": entry.summary,
            "channel": {"$ref": "#/channels/events"},
            "messages": [{"$ref": f"#/channels/events/messages/{name}"}],
            "bindings": {"amqp": {"cc": [entry.type], "deliveryMode": 2, "bindingVersion": "0.3.0"}},
        }
        for name, entry in zip(messages, catalog)
    }
    if not messages:  # a pure consumer (laporan): a valid document that says so, with no channel to publish on
        return {"asyncapi": "3.0.0", "info": {"title": f"BAPAS {catalog.service} events", "version": "1.0.0",
                                              "description": f"The {catalog.service} service publishes no events."},
                "defaultContentType": "application/cloudevents+json", "channels": {}, "operations": {},
                "components": {"messages": {}, "schemas": {}}}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"BAPAS {catalog.service} events",
            "version": "1.0.0",
            "description": (f"Events the {catalog.service} service publishes to the durable topic exchange "
                            f"`{EXCHANGE}`, routing key = event type. Bodies are CloudEvents 1.0 in structured "
                            "JSON mode. Bind your own durable queue (e.g. `#` or "
                            f"`{catalog.service}.#`); catch up over HTTP with GET /events?after=<id>."),
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {
            "rabbitmq": {"host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1",
                         "description": "Production broker (BROKER_URL)"},
        },
        "channels": {
            "events": {
                "address": EXCHANGE,
                "title": EXCHANGE,
                "messages": channel_messages,
                "bindings": {"amqp": {"is": "routingKey", "bindingVersion": "0.3.0",
                                      "exchange": {"name": EXCHANGE, "type": "topic", "durable": True,
                                                   "autoDelete": False, "vhost": "/"}}},
            }
        },
        "operations": operations,
        "components": {"messages": messages, "schemas": _json_schemas(catalog)},
    }
