"""bimbingan's Redis, one module per aggregate: enrollments (with their open-enrollment sets and
attendance marks), sessions, and the replicas of klien's clients and pokmas's agreements and programs."""
