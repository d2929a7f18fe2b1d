"""Views of the web UI, split by area; ``governance.urls`` maps them."""
