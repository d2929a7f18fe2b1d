"""The paths every kind of record has, in the internal UI and the portal alike."""

from django.urls import path


def record_paths(kind, *, index=None, form=None, detail=None, actions=None):
    """The paths of one kind of record (``kind``: ``"goal"``, ``"sla-target"``), each named
    after it: ``<kind>s/`` (``index``, named ``<kind>-list``), ``<kind>s/new/`` and
    ``<kind>s/<id>/edit/`` (``form``, one view for both: ``-create``, ``-edit``),
    ``<kind>s/<id>/`` (``detail``) and ``<kind>s/<id>/<action>/`` (``actions``, by name).
    The views receive the id as ``<kind>_pk``.
    """
    plural = f"{kind}s"
    one = f"{plural}/<int:{kind.replace('-', '_')}_pk>/"
    routes = []
    if index is not None:
        routes.append(path(f"{plural}/", index, name=f"{kind}-list"))
    if form is not None:
        routes.append(path(f"{plural}/new/", form, name=f"{kind}-create"))
        routes.append(path(f"{one}edit/", form, name=f"{kind}-edit"))
    if detail is not None:
        routes.append(path(one, detail, name=f"{kind}-detail"))
    for action, view in (actions or {}).items():
        routes.append(path(f"{one}{action}/", view, name=f"{kind}-{action}"))
    return routes
