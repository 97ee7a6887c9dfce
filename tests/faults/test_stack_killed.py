"""kill -9 the whole stack, embedded Redis included, in the middle of a burst; start it again."""
from tests.support.faults_drill import Drill
from tests.support.poll import eventually


def test_whole_stack_killed_and_restarted_keeps_every_acknowledged_write(local_stack):
    drill = Drill(local_stack)
    burst = drill.burst(150)
    eventually(lambda: len(drill.enrollments) >= 25, 60)
    assert burst.is_alive(), "the fault must strike while writes are in flight"
    local_stack.kill_all()
    burst.join(timeout=120)
    local_stack.restart()
    drill.burst(20).join(timeout=120)   # and it goes on working
    drill.assert_all_kept_and_converged()
