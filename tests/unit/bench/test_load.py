"""bench/load_worker.py: answers cut from the bytes as they arrive (partial reads, Connection: close, a body read
until the server closes, non-2xx), the created id found, and the bodies it posts (no I/O;
tests/integration/test_load_generator.py runs it against a server)."""
import json

import pytest

from bench.load_worker import created_id, parse
from tests.support import faults_payloads as payloads

ANSWER = (b"HTTP/1.1 201 CREATED\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n"
          b'{"id": "c-1", "version": 1}\n')


def test_an_answer_is_complete_only_when_its_content_length_has_arrived():
    for cut in range(len(ANSWER)):
        assert parse(ANSWER[:cut]) is None
    assert parse(ANSWER) == (201, b'{"id": "c-1", "version": 1}\n', True, len(ANSWER))


def test_bytes_after_the_answer_are_left_for_the_next_one():
    status, body, keep_alive, used = parse(ANSWER + b"HTTP/1.1 2")
    assert (status, used, keep_alive) == (201, len(ANSWER), True)


def test_connection_close_ends_the_keep_alive_and_http_1_0_needs_to_ask_for_it():
    closing = ANSWER.replace(b"Content-Length", b"Connection: close\r\nContent-Length")
    assert parse(closing)[2] is False
    assert parse(ANSWER.replace(b"HTTP/1.1", b"HTTP/1.0"))[2] is False
    assert parse(ANSWER.replace(b"HTTP/1.1", b"HTTP/1.0").replace(b"Content-Length", b"connection: Keep-Alive\r\n"
                                                                                      b"content-length"))[2] is True


def test_a_non_2xx_status_and_a_body_without_length_read_until_the_server_closes():
    answer = b"HTTP/1.1 409 CONFLICT\r\nConnection: close\r\n\r\n{\"title\": \"Conflict\"}"
    assert parse(answer) is None
    assert parse(answer, eof=True) == (409, b'{"title": "Conflict"}', False, len(answer))


def test_a_chunked_answer_and_an_interim_100_continue():
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"id\r\n7\r\n\": \"x\"}\r\n0\r\n\r\n"
    for cut in range(len(chunked)):
        assert parse(chunked[:cut]) is None
    assert parse(chunked) == (200, b'{"id": "x"}', True, len(chunked))
    assert parse(b"HTTP/1.1 100 Continue\r\n\r\n" + ANSWER)[::3] == (201, 25 + len(ANSWER))


def test_a_connection_closed_inside_an_answer_or_garbage_is_an_error():
    with pytest.raises(ValueError):
        parse(ANSWER[:20], eof=True)
    with pytest.raises(ValueError):
        parse(ANSWER[:-3], eof=True)
    with pytest.raises(ValueError):
        parse(b"SSH-2.0-OpenSSH\r\n\r\n")


def test_the_created_id_is_the_top_level_one():
    assert created_id(b'{"id":"a-1","name":"x"}') == "a-1"
    assert created_id(b'{"program": {"id": "p-1"}, "id": "e-1"}') == "e-1"  # named twice: parsed
    assert created_id(b'{"name": "no id"}') is None
    assert created_id(b"not json") is None


def test_encoded_bodies_are_valid_json_with_unique_register_numbers_and_niks():
    bodies = [json.loads(body) for body, _ in zip(payloads.encoded("client"), range(2000))]
    assert set(bodies[0]) == set(payloads.client())
    assert len({body["register_number"] for body in bodies}) == 2000
    assert len({body["decree"]["number"] for body in bodies}) == 2000
    assert len({body["nik"] for body in bodies}) == 2000
    assert all(len(body["nik"]) == 16 and body["nik"].isdigit() for body in bodies)
    floors = [json.loads(body) for body, _ in zip(payloads.encoded("floor"), range(10))]
    assert len({body["register_number"] for body in floors}) == 10 and floors[0]["sex"] == "L"
