"""Views of the web UI, split by area; ``governance.web.urls`` maps them."""
