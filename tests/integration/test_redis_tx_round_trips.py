"""redis_tx's pipeline sends WATCH with the next read: the optimistic transaction holds as before, in
fewer round trips (issue 21)."""
import redis

from shared import redis_tx


class Counting:
    """Counts the writes to Redis's socket (round trips) of every connection of a client not used yet."""

    def __init__(self, client):
        self.sends = 0
        counter = self
        original = client.connection_pool.connection_class.send_packed_command

        def send(connection, *args, **kwargs):
            counter.sends += 1
            return original(connection, *args, **kwargs)

        client.connection_pool.connection_class = type("CountingConnection",
                                                       (client.connection_pool.connection_class,),
                                                       {"send_packed_command": send})


def test_a_transaction_that_reads_once_costs_two_round_trips(redis_url):
    client = redis_tx.connect(redis_url)
    counting = Counting(client)
    redis.Redis.from_url(redis_url).set("counter", 1)
    client.ping()                                   # the connection made (its handshake is not counted)
    counting.sends = 0

    def work(pipe):
        pipe.watch("counter")
        value = int(pipe.get("counter"))
        pipe.multi()
        pipe.set("counter", value + 1)
        return value

    assert redis_tx.transact(client, work, "other") == 1
    assert counting.sends == 2                      # WATCH marker, other, counter + GET; MULTI..EXEC
    assert client.get("counter") == "2"


def test_a_key_changed_after_it_was_read_makes_the_transaction_run_again(redis_url):
    client = redis_tx.connect(redis_url)
    other = redis.Redis.from_url(redis_url, decode_responses=True)
    client.set("balance", 10)
    attempts = []

    def work(pipe):
        pipe.watch("balance")
        balance = int(pipe.get("balance"))
        attempts.append(balance)
        if len(attempts) == 1:
            other.incrby("balance", 5)               # another writer, between the read and EXEC
        pipe.multi()
        pipe.set("balance", balance * 2)
        return balance

    assert redis_tx.transact(client, work) == 15
    assert attempts == [10, 15] and client.get("balance") == "30"


def test_several_reads_go_in_one_round_trip_with_the_watch(redis_url):
    client = redis_tx.connect(redis_url)
    counting = Counting(client)
    setup = redis.Redis.from_url(redis_url)
    setup.mset({"a": "1", "b": "2"})
    setup.hset("h", "x", "1")
    client.ping()
    counting.sends = 0

    def work(pipe):
        pipe.watch("a", "b", "h")
        found = pipe.read_together([("MGET", "a", "b"), ("HLEN", "h"), ("HEXISTS", "h", "y")])
        pipe.multi()
        pipe.set("c", "3")
        return found

    assert redis_tx.transact(client, work) == [["1", "2"], 1, False]
    assert counting.sends == 2
