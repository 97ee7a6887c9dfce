"""The broker unreachable for 30 s while writes go on (a proxy between the stack and RabbitMQ is cut)."""
import time

from tests.support.faults_drill import Drill
from tests.support.poll import eventually

CUT_SECONDS = 30


def test_broker_cut_for_30s_while_writing_loses_nothing(stack_behind_proxy):
    stack, proxy = stack_behind_proxy
    drill = Drill(stack)
    burst = drill.burst(40)
    eventually(lambda: len(drill.enrollments) >= 10, 60)
    proxy.cut()
    cut_at = time.monotonic()
    while time.monotonic() - cut_at < CUT_SECONDS:
        drill.burst(4, threads=2).join(timeout=60)   # writes go on: the outbox holds their events
        time.sleep(1)
    written_during_cut = len(drill.enrollments)
    proxy.restore()
    burst.join(timeout=120)
    assert written_during_cut > 40, "writes must go on while the broker is away"
    drill.assert_all_kept_and_converged()
