"""The lifecycle flow chart: one band per flow drawn, columns labelled with the full counts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

from kbworkbook.metrics.lifecycle import FLOW_SOURCES, Lifecycle  # noqa: E402
from kbworkbook.plots.lifecycle import STAGE_COLORS, lifecycle_flows  # noqa: E402

LABELS = {key: key.upper() for key in FLOW_SOURCES}
# rows: not yet, new, regular, at risk, lost, won back; columns: the five stages
FLOWS = ((2, 0, 0, 0, 0), (0, 1, 1, 1, 0), (0, 0, 1200, 0, 0), (0, 0, 0, 1, 0),
         (0, 0, 0, 5000, 1), (0, 0, 0, 1, 0))


@pytest.fixture(autouse=True)
def _close_figures():  # type: ignore[no-untyped-def]
    yield
    plt.close("all")


def _result() -> Lifecycle:
    flows = np.array(FLOWS)
    return Lifecycle(pd.Timestamp("2025-06-30"), pd.Timestamp("2025-03-31"), 90, 30.0, 120.0,
                     "config", "config", tuple(int(x) for x in flows.sum(axis=0)),
                     tuple(int(x) for x in flows[1:].sum(axis=1)), FLOWS)


def _texts(ax) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.get_text() for t in ax.texts]


def test_one_band_per_flow_and_full_counts() -> None:
    ax = lifecycle_flows(_result(), LABELS, "Titel", locale="de-CH")
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 8  # nine flows; the 5000 who stay lost are not drawn
    texts = _texts(ax)
    # the lost stage is labelled with everyone, drawn or not (5000 + 1 + 1 + 1)
    assert "LOST: 5’001" in texts and "LOST: 5’003" in texts
    assert "NOT_YET: 2" in texts and "WON_BACK: 1" in texts
    assert "30.06.2025" in texts and "31.03.2025" in texts and ax.get_title(loc="left") == "Titel"
    colours = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in bands}
    assert len(colours) == 6  # coloured by the stage they come from


def test_staying_lost_drawn_on_request() -> None:
    ax = lifecycle_flows(_result(), LABELS, "Titel", draw_staying_lost=True)
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 9
    assert set(STAGE_COLORS) == set(FLOW_SOURCES)
