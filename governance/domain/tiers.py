"""What a vendor's tier implies, in one table: how it ranks, how often it is reviewed and
which clause types it must have by default."""

from dataclasses import dataclass


@dataclass(frozen=True)
class TierRules:
    rank: int  # 0 is the most critical: lists sort by it
    review_cadence: str  # unless the vendor has its own (``Vendor.review_cadence``)
    required_clauses: tuple  # the default set, editable afterwards as ``RequiredClause`` rows


# Critical relationships are reviewed more often, and must have more in the contract, than
# low-risk ones.
TIERS = {
    "critical": TierRules(
        rank=0,
        review_cadence="monthly",
        required_clauses=(
            "confidentiality",
            "data_protection",
            "breach_notification",
            "iso27001",
            "right_to_audit",
            "data_residency",
            "subcontractors",
            "access_control",
            "encryption",
            "business_continuity",
            "vulnerability_management",
            "background_checks",
            "termination_data_return",
        ),
    ),
    "high": TierRules(
        rank=1,
        review_cadence="quarterly",
        required_clauses=(
            "confidentiality",
            "data_protection",
            "breach_notification",
            "iso27001",
            "right_to_audit",
            "access_control",
            "encryption",
            "business_continuity",
            "termination_data_return",
        ),
    ),
    "medium": TierRules(
        rank=2,
        review_cadence="semiannual",
        required_clauses=(
            "confidentiality",
            "data_protection",
            "breach_notification",
            "access_control",
            "termination_data_return",
        ),
    ),
    "low": TierRules(
        rank=3,
        review_cadence="annual",
        required_clauses=(
            "confidentiality",
            "data_protection",
        ),
    ),
}
