"""kill -9 Redis (AOF, fsync always) in the middle of a burst and start it again on its files."""
from tests.support.faults_drill import Drill
from tests.support.poll import eventually


def test_redis_killed_and_restarted_from_aof_keeps_every_acknowledged_write(stack_on_own_redis, own_redis):
    drill = Drill(stack_on_own_redis)
    burst = drill.burst(150)
    eventually(lambda: len(drill.enrollments) >= 25, 60)
    assert burst.is_alive(), "the fault must strike while writes are in flight"
    own_redis.restart(kill=True)
    burst.join(timeout=120)
    drill.burst(20).join(timeout=120)
    drill.assert_all_kept_and_converged()
