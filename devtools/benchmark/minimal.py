"""Minimal DRF list endpoints: the ceiling the API lists are measured against.

For each API list, the same page (same model, same ordering, same page size, same
authentication) serialized by a plain ``ModelSerializer`` of the model's own columns that the
product serializer shows, many-to-many and nested reverse rows prefetched. No filters, no
scoping, no derived figures: what Django and DRF cost on this machine for that page.
Mounted only by ``devtools.benchmark.urls``.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import path
from rest_framework import generics, pagination, serializers
from rest_framework.permissions import IsAuthenticated

from governance.api import urls as api_urls
from governance.api import views as api_views
from governance.models import GoalCheckIn

PAGE_SIZE = 50


class Pagination(pagination.PageNumberPagination):
    page_size = PAGE_SIZE


def _plain_serializer(model, names):
    """A ModelSerializer of ``model`` showing ``names`` (model fields and reverse one-to-many
    relations, the latter nested with all their columns); returns (class, prefetches)."""
    fields, nested, prefetch = [], {}, []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a derived figure: the product's own work, not the stack's
        if isinstance(field, models.ManyToOneRel):
            child = _plain_serializer(field.related_model, ["id", *_own_columns(field)])[0]
            nested[name] = child(many=True, read_only=True)
            prefetch.append(name)
        elif field.many_to_many:
            prefetch.append(name)
        elif field.is_relation and not field.concrete:
            continue
        fields.append(name)
    meta = type("Meta", (), {"model": model, "fields": fields})
    serializer = type(
        f"Minimal{model.__name__}Serializer",
        (serializers.ModelSerializer,),
        {
            "Meta": meta,
            **nested,
        },
    )
    return serializer, prefetch


def _own_columns(relation):
    """The related model's columns, less the key pointing back at the parent."""
    return [
        f.name
        for f in relation.related_model._meta.concrete_fields
        if f.name not in ("id", relation.field.name)
    ]


def _list_view(model, product_serializer, ordering, *, goal_scoped=False):
    serializer, prefetch = _plain_serializer(model, product_serializer.Meta.fields)
    queryset = model._default_manager.prefetch_related(*prefetch).order_by(*ordering)

    class MinimalList(generics.ListAPIView):
        permission_classes = [IsAuthenticated]
        pagination_class = Pagination
        filter_backends = []
        serializer_class = serializer

        def get_queryset(self):
            if goal_scoped:
                return queryset.filter(goal_id=self.kwargs["goal_id"])
            return queryset.all()

    return MinimalList.as_view()


def _patterns():
    patterns = []
    for prefix, viewset, _ in api_urls.router.registry:
        if viewset.queryset is None:
            # A list made per request (the person's own inbox, their own imports) has no
            # model-wide list to compare with.
            continue
        model = viewset.queryset.model
        # The product's order: its viewset's, else the model's default (as DRF lists it).
        ordering = getattr(viewset, "ordering", None) or model._meta.ordering or ["pk"]
        view = _list_view(model, viewset.serializer_class, ordering)
        patterns.append(path(f"{prefix}/", view, name=f"minimal-{prefix}"))
    check_ins = api_views.GoalCheckInViewSet
    view = _list_view(GoalCheckIn, check_ins.serializer_class, check_ins.ordering, goal_scoped=True)
    patterns.append(path("goals/<int:goal_id>/check-ins/", view, name="minimal-check-ins"))
    return patterns


urlpatterns = _patterns()
