"""kill -9 the workers (relays, consumers) in the middle of a burst of writes."""
from tests.support.faults_drill import Drill
from tests.support.poll import eventually


def test_workers_killed_mid_burst_lose_nothing_and_apply_nothing_twice(local_stack):
    drill = Drill(local_stack)
    burst = drill.burst(150)
    eventually(lambda: len(drill.enrollments) >= 15, 60)
    assert burst.is_alive(), "the fault must strike while writes are in flight"
    local_stack.kill_worker("bimbingan")   # publishes the enrollment events
    eventually(lambda: len(drill.enrollments) >= 40, 60)
    local_stack.kill_worker("klien")       # keeps the guidance view
    local_stack.kill_worker("pokmas")      # keeps the utilization view
    burst.join(timeout=120)
    assert not drill.failures, f"the APIs kept answering while workers died: {dict(drill.failures)}"
    drill.assert_all_kept_and_converged()
