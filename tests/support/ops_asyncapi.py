"""Checking AsyncAPI 3.0 documents and validating events against them.

The payload schemas come from apispec, so they are OpenAPI 3.0 flavoured (`nullable`);
`json_schema` turns them into JSON Schema 2020-12 for jsonschema_rs.
"""
import copy

import jsonschema_rs

OPERATION_ACTIONS = {"send", "receive"}


def refs(node, path="#"):
    """Every ($ref value, where it is) in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value, path
            else:
                yield from refs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from refs(value, f"{path}/{index}")


def resolve(document: dict, ref: str):
    if not ref.startswith("#/"):
        raise KeyError(f"only local references are expected, not {ref}")
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def problems(document: dict) -> list[str]:
    """What makes `document` not a structurally valid AsyncAPI 3.0 document (empty when valid)."""
    found = []
    if not str(document.get("asyncapi", "")).startswith("3."):
        found.append("asyncapi must be a 3.x version")
    info = document.get("info", {})
    found += [f"info.{key} is required" for key in ("title", "version") if not info.get(key)]
    for name, channel in document.get("channels", {}).items():
        if "address" not in channel or not channel.get("messages"):
            found.append(f"channel {name} needs an address and messages")
    for name, operation in document.get("operations", {}).items():
        if operation.get("action") not in OPERATION_ACTIONS:
            found.append(f"operation {name}: action must be send or receive")
        channel_ref = operation.get("channel", {}).get("$ref", "")
        for message in operation.get("messages", []):
            if not message.get("$ref", "").startswith(channel_ref + "/messages/"):
                found.append(f"operation {name}: message {message} is not one of its channel's messages")
    for name, message in document.get("components", {}).get("messages", {}).items():
        if "payload" not in message:
            found.append(f"message {name} has no payload")
    for ref, where in refs(document):
        try:
            resolve(document, ref)
        except (KeyError, TypeError, IndexError):
            found.append(f"{where}: $ref {ref} does not resolve")
    return found


def json_schema(node):
    """OpenAPI 3.0 schema object -> JSON Schema 2020-12 (`nullable: true` becomes a null alternative)."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items() if key != "example"}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def event_validator(document: dict, event_type: str):
    """A validator for whole events (envelope and data) of `event_type`, from the document alone."""
    messages = document["components"]["messages"]
    name = next((name for name, message in messages.items() if message["name"] == event_type), None)
    if name is None:
        raise LookupError(f"{event_type} is not documented in {document['info']['title']}")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$ref": f"#/components/messages/{name}/payload",
              "components": json_schema(copy.deepcopy(document["components"]))}
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def errors(document: dict, event: dict) -> list[str]:
    return [f"{error.instance_path}: {error.message}"
            for error in event_validator(document, event["type"]).iter_errors(event)]
