"""klien's Redis, one module per aggregate: client records (with their indexes, history and guidance
view) and each client's wajib lapor record (with its check-ins and the worker's look-up index)."""
