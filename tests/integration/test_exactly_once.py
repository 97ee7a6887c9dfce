"""A write is committed exactly once even when the reply to its EXEC is lost (issue 14, item 11):
the connection is dropped right after Redis committed, every time, not one run in two."""
import pytest
import redis

from shared import redis_tx
from tests.support.lossy_redis import LossyRedis
from tests.support.plumbing_app import make_app
from shared import auth


@pytest.fixture
def lossy(redis_server, redis_url):
    proxy = LossyRedis(redis_server.port)
    yield proxy
    proxy.close()


def append_once(pipe):
    seen = pipe.llen("log")
    pipe.multi()
    pipe.rpush("log", f"entry after {seen}")
    return seen


@pytest.mark.parametrize("watch", [("log",), ()], ids=["watching", "not-watching"])
def test_a_transaction_whose_exec_reply_is_lost_is_committed_once(lossy, redis_url, watch):
    client = redis_tx.connect(lossy.url())
    lossy.drop_next_exec_reply()
    assert redis_tx.transact(client, append_once, *watch) == 0
    assert lossy.dropped == 1
    assert redis.Redis.from_url(redis_url, decode_responses=True).lrange("log", 0, -1) == ["entry after 0"]


def test_a_request_whose_exec_reply_is_lost_has_one_event_and_one_audit_entry(lossy, redis_url):
    http = make_app(lossy.url()).test_client()
    token = auth.issue_token("s", role="admin", sub="u-1", region="testreg")
    lossy.drop_next_exec_reply()
    response = http.post("/things", json={"name": "a", "count": 1}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert lossy.dropped == 1
    direct = redis.Redis.from_url(redis_url, decode_responses=True)
    assert direct.xlen("klien:outbox") == 1
    assert direct.xlen("klien:audit") == 1
