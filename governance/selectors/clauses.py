"""A vendor's security clauses against the set its tier requires."""

from django.utils import timezone

from governance.models import ClauseType, RequiredClause


def clause_coverage(vendor, *, today=None):
    """The clause types ``vendor``'s tier requires, each with the vendor's clause of that type
    (or None) and whether it is in force on ``today`` (``SecurityClause.is_in_force``); then
    the vendor's other clauses. Two queries.

    Returns ``{"rows": [{"type", "label", "required", "clause", "in_force"}, ...],
    "required": <number of required types>, "covered": <required types in force>}``.
    """
    today = today or timezone.localdate()
    clauses = {clause.clause_type: clause for clause in vendor.clauses.all()}
    required = set(
        RequiredClause.objects.filter(tier=vendor.tier).values_list("clause_type", flat=True)
    )
    labels = dict(ClauseType.choices)

    def row(clause_type, clause):
        return {
            "type": clause_type,
            "label": labels[clause_type],
            "required": clause_type in required,
            "clause": clause,
            "in_force": clause is not None and clause.is_in_force(today),
        }

    rows = [row(kind, clauses.get(kind)) for kind in sorted(required, key=labels.get)]
    extras = sorted(set(clauses) - required, key=labels.get)
    rows += [row(kind, clauses[kind]) for kind in extras]
    covered = sum(1 for item in rows if item["required"] and item["in_force"])
    return {"rows": rows, "required": len(required), "covered": covered}
