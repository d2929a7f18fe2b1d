"""The vendor portal: what a vendor's representatives see of the relationship, at /portal/.

Only their own vendor's shared goals, reviews, meetings, incidents and the action items
assigned to them; never internal notes, other vendors or the portfolio.
"""
