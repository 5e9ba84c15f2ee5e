"""The profile chart: server-rendered SVG, its words, its geometry and its table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from assessments import chart
from assessments.scoring import FORWARD, REVERSE, AnswerInput, ReasonInput, score_submission

SVG = "{http://www.w3.org/2000/svg}"


def reason(key, title, order, values, some=25, strong=60, statement="Statement"):
    """A reason answered with `values`: (value, direction) pairs."""
    return ReasonInput(
        key=key,
        title=title,
        order=order,
        some_signs_from=some,
        strong_signs_from=strong,
        answers=[
            AnswerInput(f"{statement} {key} {n}.", value, direction, order=n)
            for n, (value, direction) in enumerate(values)
        ],
    )


def varied(titles=None, statement="Statement"):
    """Five reasons: likely to wear (+100), may wear (+50, own bands), no lean, fits (−83), unclear."""
    titles = titles or {
        "learning": "Constant learning",
        "perseverance": "Perseverance",
        "change": "Change and rework",
        "people": "Stakeholder management",
        "little-ml": "Little ML",
    }
    strong = [(5, FORWARD), (1, REVERSE)] * 2
    some = [(4, FORWARD), (2, REVERSE)]
    fits = [(1, FORWARD), (5, REVERSE), (2, FORWARD)]
    return score_submission(
        [
            reason(
                "learning", titles["learning"], 1, some, some=30, strong=70, statement=statement
            ),
            reason("perseverance", titles["perseverance"], 2, fits, statement=statement),
            reason("change", titles["change"], 3, strong, statement=statement),
            # Agreeing with a statement and with its opposite: not enough to tell.
            reason(
                "people", titles["people"], 4, [(5, FORWARD), (5, REVERSE)] * 2, statement=statement
            ),
            reason(
                "little-ml",
                titles["little-ml"],
                5,
                [(3, FORWARD), (3, REVERSE)],
                statement=statement,
            ),
        ]
    )


def render(result, language="en"):
    with translation.override(language):
        return render_to_string(
            "assessments/_profile_chart.html", {"chart": chart.profile_chart(result)}
        )


def parsed(html):
    return ET.fromstring(f"<root>{html}</root>")


def svg_of(html):
    return parsed(html).find(f".//{SVG}svg")


def texts(element):
    return ["".join(node.itertext()).strip() for node in element.iter(f"{SVG}text")]


def row_group(svg, title):
    for group in svg.iter(f"{SVG}g"):
        if any(text == title for text in texts(group)):
            return group
    raise AssertionError(f"no row for {title}")


@pytest.fixture
def result():
    return varied()


def test_the_chart_is_well_formed_svg_with_every_reason_its_score_and_its_band_in_words(result):
    svg = svg_of(render(result))

    words = texts(svg)
    for title, band, score in [
        ("Change and rework", "Likely to wear on you", "+100"),
        ("Constant learning", "May wear on you", "+50"),
        ("Little ML", "No clear lean", "0"),
        ("Perseverance", "Fits you", "\u221283"),
        ("Stakeholder management", "Not enough to tell", None),
    ]:
        row = texts(row_group(svg, title))
        assert band in row
        if score:
            assert score in row
    # Most "may wear on you" first, the reason that cannot be told last.
    titles = [text for text in words if text in {r.title for r in result.reasons}]
    assert titles == [
        "Change and rework",
        "Constant learning",
        "Little ML",
        "Perseverance",
        "Stakeholder management",
    ]


def test_the_direction_is_said_in_words_and_the_scale_is_gridded_from_minus_100_to_plus_100(
    result,
):
    svg = svg_of(render(result))

    words = texts(svg)
    assert "← Fits you" in words and "May wear on you →" in words
    for label in ("\u2212100", "\u221250", "0", "+50", "+100"):
        assert label in words
    grid = [line for line in svg.iter(f"{SVG}line") if "pc-grid" in line.get("class")]
    xs = [float(line.get("x1")) for line in grid]
    layout = chart.profile_chart(result)
    assert xs == [chart.scale(s, layout.left, layout.right) for s in (-100, -50, 0, 50, 100)]


def test_each_bar_runs_from_zero_to_its_score(result):
    layout = chart.profile_chart(result)
    zero, half = layout.zero, (layout.right - layout.left) / 2
    bars = {row.title: row for row in layout.rows}

    assert bars["Change and rework"].bar_x == zero
    assert bars["Change and rework"].bar_width == pytest.approx(half, abs=0.1)
    assert bars["Constant learning"].bar_width == pytest.approx(half / 2, abs=0.1)
    perseverance = bars["Perseverance"]
    assert perseverance.bar_x + perseverance.bar_width == pytest.approx(zero, abs=0.1)
    assert perseverance.bar_width == pytest.approx(half * 0.83, abs=0.1)
    assert bars["Little ML"].bar_width == 0


def test_the_marks_on_a_line_sit_where_that_reasons_bands_begin(result):
    svg = svg_of(render(result))
    layout = chart.profile_chart(result)

    def marks(title):
        row = row_group(svg, title)
        return sorted(
            float(line.get("x1"))
            for line in row.iter(f"{SVG}line")
            if line.get("class").startswith("pc-tick pc-tick-")
        )

    at = [chart.r1(chart.scale(s, layout.left, layout.right)) for s in (-30, 30, 70)]
    assert marks("Constant learning") == at  # its revision's own bands: 30 and 70
    at = [chart.r1(chart.scale(s, layout.left, layout.right)) for s in (-25, 25, 60)]
    assert marks("Change and rework") == at


def test_a_reason_that_cannot_be_told_is_hatched_with_no_bar_and_no_score(result):
    svg = svg_of(render(result))

    row = row_group(svg, "Stakeholder management")
    assert texts(row) == ["Stakeholder management", "Not enough to tell"]
    shapes = list(row.iter(f"{SVG}rect"))
    assert [shape.get("class") for shape in shapes] == ["pc-hatched"]
    assert shapes[0].get("fill") == "url(#profile-chart-hatch)"
    assert svg.find(f".//{SVG}pattern[@id='profile-chart-hatch']") is not None
    assert not list(row.iter(f"{SVG}line"))  # no band marks on a line with no score


def test_the_chart_has_a_text_alternative_and_a_table_with_the_same_numbers(result):
    root = parsed(render(result))
    svg = root.find(f".//{SVG}svg")

    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "Change and rework: Likely to wear on you (+100)" in desc.text
    assert "Stakeholder management: Not enough to tell" in desc.text
    # Hidden by its wrapper: a table itself ignores the 1 px box that hides things.
    hidden = root.find(".//div[@class='visually-hidden']")
    table = hidden.find("table")
    cells = [["".join(cell.itertext()) for cell in tr] for tr in table.iter("tr")]
    assert cells[0] == ["Reason", "Band", "Score", "Bands from"]
    assert cells[1] == [
        "Change and rework",
        "Likely to wear on you",
        "+100",
        "Fits you \u221225, May wear on you +25 and Likely to wear on you +60",
    ]
    assert cells[2][3] == "Fits you \u221230, May wear on you +30 and Likely to wear on you +70"
    assert cells[5][:3] == ["Stakeholder management", "Not enough to tell", "—"]


def test_the_chart_needs_no_inline_style_or_script_under_the_content_security_policy(result):
    html = render(result)

    assert "style=" not in html and "<style" not in html and "<script" not in html
    for element in parsed(html).iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        assert "style" not in element.attrib


def test_the_chart_speaks_the_language_of_the_page():
    result = varied(
        {
            "learning": "不断学习",
            "perseverance": "毅力",
            "change": "变化与返工",
            "people": "利益相关者管理",
            "little-ml": "真正做机器学习的时间很少",
        }
    )
    root = parsed(render(result, "zh-hans"))

    words = texts(root.find(f".//{SVG}svg"))
    assert "← 适合你" in words and "可能会让你心累 →" in words
    for title, band in [("变化与返工", "很可能会让你心累"), ("利益相关者管理", "无法判断")]:
        assert title in words and band in words
    headers = ["".join(th.itertext()) for th in root.find(".//table/thead").iter("th")]
    assert headers == ["原因", "程度", "分数", "各档起始分"]


def test_coordinates_are_written_with_a_decimal_point_in_any_language(result):
    # German writes 12,5: an SVG coordinate must still read 12.5.
    html = render(result, "de")

    numbers = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', html)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", number) for number in numbers)


def test_the_rows_carry_titles_bands_and_scores_and_nothing_answered(result):
    rows = chart.rows(result)

    assert [row.signed_score for row in rows] == ["+100", "+50", "0", "\u221283", None]
    assert [row.band for row in rows] == ["strong", "some", "no-lean", "fits", "unclear"]
    for row in rows:
        assert "Statement" not in repr(row)
