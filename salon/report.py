"""The staff report as one self-contained HTML page (inline CSS and SVG, no assets).

Every piece of text is HTML-escaped; the page holds counts only, never a name, an
address or a sender id.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from html import escape

from salon.models import utcnow
from salon.notify import service_name
from salon.records import ReportCounts

_BAR_HEIGHT = 22
_GAP = 8
_LABEL_WIDTH = 210
_CHART_WIDTH = 640
_COLOURS = ("#4a7c88", "#c57b57", "#8a6fa8", "#6b9a4b")

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:46rem;
color:#222;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}
h2{font-size:1.1rem;margin-top:2rem}
p.meta{color:#555;margin-top:0}
table{border-collapse:collapse;margin:.5rem 0 1rem}
td,th{padding:.15rem .8rem .15rem 0;text-align:left}
td.n{text-align:right}
svg text{font-size:13px;fill:#222}
""".strip()


def _label(key: str) -> str:
    return key.replace("_", " ")


def bar_chart_svg(counts: Mapping[str, int], title: str, colour: str = _COLOURS[0]) -> str:
    """Render ``counts`` as a horizontal bar chart in inline SVG.

    Args:
        counts: Label to count, in display order.
        title: The chart's accessible title.
        colour: The bars' fill colour.

    Returns:
        An ``<svg>`` element (escaped text, no external references).
    """
    largest = max(counts.values(), default=0) or 1
    bar_space = _CHART_WIDTH - _LABEL_WIDTH - 50
    height = max(len(counts), 1) * (_BAR_HEIGHT + _GAP) + _GAP
    parts = [
        f'<svg role="img" width="{_CHART_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_CHART_WIDTH} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    if not counts:
        parts.append(f'<text x="0" y="{_BAR_HEIGHT - 6}">nothing recorded</text>')
    for index, (key, value) in enumerate(counts.items()):
        y = _GAP + index * (_BAR_HEIGHT + _GAP)
        width = round(bar_space * value / largest) if value else 0
        text_y = y + _BAR_HEIGHT - 6
        parts.append(f'<text x="0" y="{text_y}">{escape(_label(key))}</text>')
        parts.append(
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width}" height="{_BAR_HEIGHT}" '
            f'fill="{escape(colour)}" rx="3"/>'
        )
        parts.append(f'<text x="{_LABEL_WIDTH + width + 6}" y="{text_y}">{int(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(counts: Mapping[str, int]) -> str:
    rows = "".join(
        f'<tr><td>{escape(_label(key))}</td><td class="n">{int(value)}</td></tr>'
        for key, value in counts.items()
    )
    return f"<table><tbody>{rows}</tbody></table>"


def render_report_html(
    counts: ReportCounts,
    title: str = "Salon report",
    generated_at: datetime | None = None,
) -> str:
    """Render the report for a period as a complete HTML document.

    Args:
        counts: From :meth:`salon.repository.SalonRepository.report_counts`.
        title: The page title (escaped).
        generated_at: When the report was made; now by default.

    Returns:
        The HTML page as a string.
    """
    generated = (generated_at or utcnow()).strftime("%Y-%m-%d %H:%M UTC")
    first_day = counts.since.strftime("%Y-%m-%d")
    last_day = (counts.until - timedelta(microseconds=1)).strftime("%Y-%m-%d")
    sections = [
        ("Concerns reported", "Concerns in stored consultation summaries.", counts.concerns),
        ("Referrals by level", "Referrals made by the assistant.", counts.referrals),
        (
            "Booking requests by service",
            "Every request made in the period, whatever became of it.",
            {service_name(key): count for key, count in counts.bookings.items()},
        ),
    ]
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(first_day)} to {escape(last_day)} (UTC) · generated '
        f"{escape(generated)}</p>",
        "<table><tbody>",
        f'<tr><th>Consultation summaries</th><td class="n">{counts.consultations}</td></tr>',
        f'<tr><th>Handoff requests</th><td class="n">{counts.handoffs}</td></tr>',
        "</tbody></table>",
    ]
    for index, (heading, note, data) in enumerate(sections):
        body.append(f"<section><h2>{escape(heading)}</h2><p>{escape(note)}</p>")
        body.append(bar_chart_svg(data, heading, _COLOURS[index % len(_COLOURS)]))
        body.append(_table(data))
        body.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
