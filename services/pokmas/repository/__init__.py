"""pokmas's Redis, one module per aggregate: groups, agreements (with their programs' catalogue
indexes and the expiry index) and the utilization view kept from bimbingan's events."""
