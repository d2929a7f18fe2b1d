"""Demo and scale data: a realistic vendor portfolio, written with bulk inserts (``seed_portfolio``,
in ``portfolio``), from reference tables (``data``) by a per-vendor builder (``builder``).
"""

from devtools.demo.portfolio import (
    BATCH_SIZE,
    CHUNK_VENDORS,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    MANAGERS,
    MODELS_IN_ORDER,
    VENDOR_REP_USERNAME,
    ensure_demo_users,
    ensure_vendor_rep,
    seed_portfolio,
)

__all__ = [
    "BATCH_SIZE",
    "CHUNK_VENDORS",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "MANAGERS",
    "MODELS_IN_ORDER",
    "VENDOR_REP_USERNAME",
    "ensure_demo_users",
    "ensure_vendor_rep",
    "seed_portfolio",
]
