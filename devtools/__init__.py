"""Development tools: demo data (``seed_demo``) and the benchmark (``bench``).

Installed by the local, test and benchmark settings only; production's INSTALLED_APPS and the
image leave it out, so nothing here ships. Product code never imports from it.
"""
