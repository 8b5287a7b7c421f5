"""The report tells: what failed and what to look at first, each with what to do; counts that are right."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the expert-review story, built with every format


def test_failures_and_warnings_come_first_each_saying_what_to_do(expert_review):
    report = expert_review.report
    attention = report["attention"]
    statuses = [c["status"] for c in attention]
    assert statuses == sorted(statuses, key=lambda s: s != "fail") and set(statuses) <= {"fail", "warn"}
    assert len(attention) == report["summary"]["fail"] + report["summary"]["warn"]
    named = {(c["file"], c["name"]): c["detail"] for c in attention}
    assert "ask your printer for its ICC profile" in named[("expert-review.en.print.pdf", "print.output-intent")]
    review = named[("expert-review/story.md", "source.accessibility-review")]
    assert "alt text" in review and "accessibility: {conformsTo:" in review  # what a person checks, how to say so
    assert "add it to translations.es, in Spanish" in named[("expert-review/story.md", "source.lint")]


def test_the_html_report_shows_them_before_the_outputs(expert_review):
    html = (expert_review.folder / "report.html").read_text("utf-8")
    first = html.index('id="attention"')
    assert html.index('id="summary"') < first < html.index('id="outputs"')
    assert html.index("print.output-intent", first) < html.index('id="outputs"')


def test_a_pdf_image_is_counted_once_not_once_per_page(expert_review):
    checks = {(o["file"], c["name"]): c["detail"] for o in expert_review.report["outputs"] for c in o["checks"]}
    # the cover and two figures, though the six pages share one resource dictionary
    assert checks[("expert-review.en.pdf", "images.metadata")].startswith("3 images:")
