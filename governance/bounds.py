"""The limits every stored value keeps, so no page, feed, export or reminder fails on it later.

Pure constants and validators, no database access: the models attach them to their fields
(every door then refuses an out-of-bounds value with a message), and the date arithmetic in
``governance.scheduling`` stays inside them.
"""

import datetime as dt

# Dates outside this window are typing mistakes, and near year 1 or 9999 date arithmetic
# (cadences, time zones, SLA due times, meeting expansion) overflows.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
RANGE_MESSAGE = "Use a date between 1900-01-01 and 2199-12-31."
