"""Retention metrics: pure functions over canonical frames (domain.md §4).

Rates are fractions 0..1, NPS in points. Every function that depends on time takes an
explicit ``as_of`` (inclusive day). An ORDER is a distinct ``order_id`` when the column is
present, otherwise a distinct (customer_id, calendar day). A PURCHASE is an order whose lines
net to more than 0 and that no credit note refunds in full (``_orders``); revenue is net.
Lines without a customer number (walk-in sales) count for revenue, receipts and products; the
per-customer figures use the identified lines (:func:`identified_share` says how much that is).
"""

from kbworkbook.metrics.basket import cross_selling
from kbworkbook.metrics.cohorts import CohortTable, cohort_retention
from kbworkbook.metrics.customers import IdentifiedShare, identified_share, top_customers_share
from kbworkbook.metrics.engagement import EngagementRate, engagement_rate, post_engagement
from kbworkbook.metrics.nps import NpsResult, nps, nps_trend
from kbworkbook.metrics.purchases import PurchaseFigures, purchase_figures
from kbworkbook.metrics.retention import (
    WindowRetention,
    annualize_churn,
    churn_average_base,
    churn_rate,
    retention_rate,
    window_retention,
    window_retentions,
)
from kbworkbook.metrics.rfm import (
    default_segments,
    rfm_scores,
    rfm_segments,
    rfm_summary,
    rfm_values,
)
from kbworkbook.metrics.value import (
    clv_by_segment,
    clv_discounted,
    clv_per_customer,
    clv_simple,
    expected_lifetime,
)

__all__ = [
    "CohortTable",
    "EngagementRate",
    "IdentifiedShare",
    "NpsResult",
    "PurchaseFigures",
    "WindowRetention",
    "annualize_churn",
    "churn_average_base",
    "churn_rate",
    "clv_by_segment",
    "clv_discounted",
    "clv_per_customer",
    "clv_simple",
    "cohort_retention",
    "cross_selling",
    "default_segments",
    "engagement_rate",
    "expected_lifetime",
    "identified_share",
    "nps",
    "nps_trend",
    "post_engagement",
    "purchase_figures",
    "retention_rate",
    "rfm_scores",
    "rfm_segments",
    "rfm_summary",
    "rfm_values",
    "top_customers_share",
    "window_retention",
    "window_retentions",
]
