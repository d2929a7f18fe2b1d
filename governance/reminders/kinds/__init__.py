"""One module per reminder kind, each registering its ``registry.Kind`` when imported.

Every module here is imported (those whose name starts with "_" hold what several kinds
share), so adding a kind is adding its module and its templates.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
