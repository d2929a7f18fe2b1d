"""Django's entry point to the app's models, which live in ``governance.domain.models``.

The governance domain: vendors and everything agreed, reviewed, met about and measured. One
module per aggregate there; derived values (due times, overall scores, current values) are
written by ``governance.services``, models hold the data and the rules that must survive any
door (validators, constraints, ``clean()``).
"""

from governance.domain.models import *  # noqa: F403
from governance.domain.models import __all__  # noqa: F401
