"""Query bounds shared by the tests of several doors of one page."""

# The dashboard: session, user, profile and savepoints; "Needs attention" (a query per kind
# and state, two for the clocks' clauses), the tiles' counts (8), the panels' first rows,
# meetings, the credits of the year, the weakest vendors (one more when fewer than three have
# a health figure) and the inbox's latest unread (one more per kind of subject among them,
# at most seven; one more for the count when the panel is full).
DASHBOARD_MAX_QUERIES = 52
