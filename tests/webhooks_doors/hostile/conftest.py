from tests.world import _fresh_throttle_counts, _frozen_time, world  # noqa: F401 (fixtures)
