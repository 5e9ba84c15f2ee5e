"""The results as an A4 PDF, made on the server with fpdf2.

Pure: a `Report` of plain strings in (the view fills it from the results page,
in the page's language), PDF bytes out; no ORM, no request. The page's order
is kept: the profile chart, drawn with vector shapes as the page draws it,
then the answer, the roles to look at, the experiments as a checklist, and
each reason in detail. Every page's footer holds the results' link and the
page number.

fpdf2 is pure Python, so `pip install` is all it needs: no system library as
a browser-based renderer would. Its text is set in the vendored font
(assessments/fonts/), which covers English and Simplified Chinese and is
embedded subset to the characters used; a character the font lacks is left
out with a warning in the log rather than failing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .chart import GRID_SCORES, PALETTE, Row, scale, signed

__all__ = ["Report", "ReasonSection", "Row", "results_pdf"]

# fontTools, which fpdf2 subsets the font with, tells every glyph it keeps at
# the INFO level: hundreds of lines a document in the site's log.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "NotoSansSC"
FONT_FILES = {"": FONTS / "NotoSansSC-mlfit-Regular.ttf", "B": FONTS / "NotoSansSC-mlfit-Bold.ttf"}

# A4 in millimetres, and the text block.
MARGIN = 18
TOP = 16
BOTTOM = 20
FOOTER_FROM_BOTTOM = 12
PT = 25.4 / 72  # a point in millimetres

# A line may break at a space, and before or after any Chinese character:
# the tokens are runs of spaces, single hanzi or CJK punctuation, and words.
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
TOKENS = re.compile(rf"\s+|[{CJK}]|[^\s{CJK}]+")
NO_LINE_START = set("，。、；：！？）》」』】〉”’…—,.;:!?)]}%")
NO_LINE_END = set("（《「『【〈“‘([{")


@dataclass(frozen=True)
class ReasonSection:
    """One reason in detail, as the results page says it."""

    title: str
    band_label: str
    summary: str
    # Each group of quoted answers: its heading, then (statement, answer label) pairs.
    evidence: Sequence[tuple[str, Sequence[tuple[str, str]]]]
    why_it_matters: str
    advice: str


@dataclass(frozen=True)
class Report:
    """What the PDF says, already in the reader's language: plain text, no HTML."""

    language: str
    site_name: str
    title: str
    completed_on: str
    headline: str
    quality_notes: Sequence[str] = field(default_factory=list)
    rows: Sequence[Row] = field(default_factory=list)  # chart.rows(result)
    reasons: Sequence[ReasonSection] = field(default_factory=list)
    roles: Sequence[tuple[str, str]] = field(default_factory=list)  # (title, why)
    roles_rule: str = ""
    experiments: Sequence[str] = field(default_factory=list)
    link: str = ""
    credit: str = ""


def results_pdf(report: Report) -> bytes:
    """Return the report as an A4 PDF."""
    document = ResultsPDF(report)
    document.cover()
    document.roles_and_experiments()
    document.reasons()
    if report.credit:
        document.gap(4)
        document.paragraph(report.credit, size=8, colour="muted")
    return bytes(document.output())


def rgb(name: str) -> tuple[int, int, int]:
    value = PALETTE.get(name, name).lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class ResultsPDF(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.widths: dict[tuple[str, float, str], float] = {}
        for style, path in FONT_FILES.items():
            self.add_font(FAMILY, style, str(path))
        self.set_margins(MARGIN, TOP, MARGIN)
        self.c_margin = 0  # text starts at the margin, level with the chart's
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_title(report.title)
        self.set_author(report.site_name)
        self.set_creator(report.site_name)
        self.set_lang(report.language)
        self.alias_nb_pages()
        self.add_page()

    # -- Page furniture ------------------------------------------------------------------

    def footer(self) -> None:
        self.set_y(-FOOTER_FROM_BOTTOM)
        self.set_draw_color(*rgb("line"))
        self.set_line_width(0.2)
        self.line(MARGIN, self.get_y() - 2, self.w - MARGIN, self.get_y() - 2)
        self.font(7.5, colour="muted")
        number = f"{self.page_no()} / {{nb}}"
        number_width = 20
        if self.report.link:
            self.cell(
                self.epw - number_width, 4, self.report.link, link=self.report.link, align="L"
            )
        self.set_x(self.w - MARGIN - number_width)
        self.cell(number_width, 4, number, align="R")

    # -- Text ----------------------------------------------------------------------------

    def font(self, size: float, bold: bool = False, colour: str = "ink") -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*rgb(colour))

    def paragraph(
        self,
        text: str,
        size: float = 10,
        bold: bool = False,
        colour: str = "ink",
        leading: float = 1.45,
        indent: float = 0,
    ) -> None:
        """Write text across the text block, less `indent`; a blank line starts a new paragraph."""
        self.font(size, bold, colour)
        height = size * leading * PT
        with self.indented(indent):
            for number, part in enumerate(p for p in text.split("\n\n") if p.strip()):
                if number:
                    self.gap(height / 2)
                for line in self.lines(part.strip(), self.epw):
                    self.cell(self.epw, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def lines(self, text: str, width: float) -> list[str]:
        """Return the text broken into lines no wider than `width` in the current font.

        English breaks at spaces. Chinese has none: a line may end after any
        hanzi, but not before closing punctuation ("，" "。" "”") nor after
        opening punctuation ("“" "（"), which moves to the next line with the
        character it belongs to. A word too long for a line is cut.
        Widths add up: fpdf2 neither kerns nor shapes without a text shaper.
        """
        result: list[str] = []
        line: list[tuple[str, float]] = []  # the tokens on the line, with their widths

        def close(tokens: list[tuple[str, float]]) -> None:
            words = "".join(token for token, _width in tokens).strip()
            if words:
                result.append(words)

        for token in self.tokens(text.replace("\n", " "), width):
            size = self.width(token)
            used = sum(w for t, w in line) - sum(w for t, w in line[-1:] if t.isspace())
            if not line or used + (0 if token.isspace() else size) <= width:
                line.append((token, size))
                continue
            carried: list[tuple[str, float]] = []
            if not token.isspace():
                if token in NO_LINE_START and not line[-1][0].isspace():
                    carried = [line.pop()]
                while line and line[-1][0] in NO_LINE_END:
                    carried.insert(0, line.pop())
                if not "".join(t for t, _w in line).strip():  # nothing to break before
                    line, carried = line + carried, []
            close(line)
            line = [*carried, (token, size)] if not token.isspace() else []
        close(line)
        return result

    def width(self, token: str) -> float:
        """Return a token's width in the current font, measured once per font and size."""
        key = (self.font_style, self.font_size_pt, token)
        if key not in self.widths:
            self.widths[key] = self.get_string_width(token)
        return self.widths[key]

    def tokens(self, text: str, width: float) -> Iterator[str]:
        """Yield the text's tokens; one wider than a line comes in pieces that fit."""
        for token in TOKENS.findall(text):
            while self.get_string_width(token) > width and len(token) > 1:
                cut = len(token) - 1
                while cut > 1 and self.get_string_width(token[:cut]) > width:
                    cut -= 1
                yield token[:cut]
                token = token[cut:]
            yield token

    def heading(self, text: str, size: float = 13) -> None:
        self.need(size * PT * 2 + 14)  # a heading is never alone at the foot of a page
        self.gap(size * 0.35)
        self.paragraph(text, size=size, bold=True, leading=1.3)
        self.gap(1)

    def gap(self, height: float) -> None:
        self.set_y(self.get_y() + height)

    def need(self, height: float) -> None:
        """Start a new page unless `height` millimetres are left on this one."""
        if self.get_y() + height > self.h - BOTTOM:
            self.add_page()

    @contextmanager
    def indented(self, indent: float) -> Iterator[None]:
        outer = self.l_margin
        self.set_left_margin(outer + indent)
        try:
            yield
        finally:
            self.set_left_margin(outer)

    # -- The first page: who, what, the chart and the answer -----------------------------

    def cover(self) -> None:
        report = self.report
        self.brand(MARGIN, TOP)
        self.font(9, colour="muted")
        self.set_xy(MARGIN, TOP)
        self.cell(self.epw, 7, report.completed_on, align="R")
        self.set_y(TOP + 13)
        self.paragraph(report.title, size=20, bold=True, leading=1.25)
        self.gap(4)
        if report.rows:
            self.chart(report.rows)
            self.gap(5)
        self.paragraph(report.headline, size=12.5, leading=1.45)
        if report.quality_notes:
            self.gap(4)
            self.notes(report.quality_notes)

    def brand(self, x: float, y: float) -> None:
        """Draw the site's name as the page header shows it: "ml" white on blue, then "fit"."""
        name = self.report.site_name
        self.font(12, bold=True)
        mark = self.get_string_width(name[:2]) + 3
        self.set_fill_color(*rgb("accent"))
        self.rect(x, y, mark, 7, style="F", round_corners=True, corner_radius=1.3)
        self.set_text_color(255, 255, 255)
        self.set_xy(x, y)
        self.cell(mark, 7, name[:2], align="C")
        self.set_text_color(*rgb("ink"))
        self.set_x(x + mark + 0.8)
        self.cell(self.get_string_width(name[2:]) + 2, 7, name[2:], align="L")

    def notes(self, notes: Sequence[str]) -> None:
        """The answers' quality notes, beside an amber rule as on the page."""
        top = self.get_y()
        for note in notes:
            self.paragraph(note, size=9.5, indent=5)
            self.gap(1)
        self.set_fill_color(183, 121, 31)
        self.rect(MARGIN, top, 1.2, self.get_y() - top - 1, style="F")

    # -- The chart -----------------------------------------------------------------------

    def chart(self, rows: Sequence[Row]) -> None:
        """Draw the profile chart: titles and bands on the left, the scale, the scores."""
        left, right = MARGIN + 60, self.w - MARGIN - 16  # the scale's −100 and +100
        pitch, track = 11.5, 3.4
        self.need(14 + pitch * len(rows))
        top = self.get_y()
        self.font(8.5, bold=True, colour="muted")
        self.text(left, top + 3.5, "← " + _("Fits you"))
        wears = _("May wear on you") + " →"
        self.text(right - self.get_string_width(wears), top + 3.5, wears)
        self.font(7, colour="muted")
        for score in GRID_SCORES:
            label = signed(score)
            x = scale(score, left, right)
            width = self.get_string_width(label)
            shift = 0 if score == -100 else width if score == 100 else width / 2
            self.text(x - shift, top + 8, label)
        rows_top = top + 10
        bottom = rows_top + pitch * len(rows)
        for score in GRID_SCORES:
            x = scale(score, left, right)
            self.set_draw_color(*rgb("zero" if score == 0 else "grid"))
            self.set_line_width(0.35 if score == 0 else 0.2)
            self.line(x, rows_top, x, bottom - 1)
        for index, row in enumerate(rows):
            self.chart_row(row, rows_top + index * pitch, left, right, track)
        self.set_y(bottom)

    def chart_row(self, row: Row, top: float, left: float, right: float, track: float) -> None:
        self.font(10.5, bold=True)
        self.text(MARGIN, top + 4.6, self.fitted(row.title, left - MARGIN - 4))
        self.font(8.5, bold=True, colour=f"{row.band}-text")
        self.text(MARGIN, top + 8.6, self.fitted(row.band_label, left - MARGIN - 4))
        y = top + 3.6
        if not row.is_told:
            self.hatch(left, y, right - left, track)
            return
        self.set_fill_color(*rgb("track"))
        self.rect(left, y, right - left, track, style="F", round_corners=True, corner_radius=0.6)
        if row.score:
            start, end = sorted((scale(0, left, right), scale(row.score, left, right)))
            self.set_fill_color(*rgb(row.band))
            self.rect(start, y, max(end - start, 0.4), track, style="F")
        for _band, score in row.thresholds:
            x = scale(score, left, right)
            self.set_draw_color(*rgb("surface"))
            self.set_line_width(0.9)
            self.line(x, y - 1, x, y + track + 1)
            self.set_draw_color(*rgb("no-lean-text"))
            self.set_line_width(0.35)
            self.line(x, y - 1, x, y + track + 1)
        self.font(11, bold=True, colour=f"{row.band}-text")
        score = row.signed_score or ""
        self.text(self.w - MARGIN - self.get_string_width(score), y + track - 0.2, score)

    def hatch(self, x: float, y: float, width: float, height: float) -> None:
        """Fill a box with grey diagonal stripes: a line whose score is not a finding."""
        self.set_fill_color(*rgb("track"))
        self.rect(x, y, width, height, style="F", round_corners=True, corner_radius=0.6)
        self.set_draw_color(*rgb("hatch"))
        self.set_line_width(0.5)
        step = 1.6
        start = x - height
        while start < x + width:
            # A 45° stripe from (start, bottom) to (start + height, top), cut to the box.
            x1, y1 = start, y + height
            x2, y2 = start + height, y
            if x1 < x:
                y1 -= x - x1
                x1 = x
            if x2 > x + width:
                y2 += x2 - (x + width)
                x2 = x + width
            if x1 < x2:
                self.line(x1, y1, x2, y2)
            start += step

    def fitted(self, text: str, width: float) -> str:
        """Return the text, cut short with "…" if it is wider than `width` in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    # -- What to do next -----------------------------------------------------------------

    def roles_and_experiments(self) -> None:
        report = self.report
        if report.roles:
            self.heading(_("Roles to look at"))
            for title, why in report.roles:
                self.need(14)
                self.paragraph(title, size=10.5, bold=True, leading=1.35)
                self.paragraph(why, size=9.5, colour="ink")
                self.gap(2)
            if report.roles_rule:
                self.paragraph(report.roles_rule, size=8, colour="muted", leading=1.4)
        if report.experiments:
            self.heading(_("What to try next"))
            self.paragraph(
                _("Cheap tests of the parts that matter most here, before you commit:"),
                size=9.5,
            )
            self.gap(1.5)
            for experiment in report.experiments:
                self.need(10)
                box = 3.4
                y = self.get_y() + 0.9
                self.set_draw_color(*rgb("muted"))
                self.set_line_width(0.3)
                self.rect(MARGIN, y, box, box, round_corners=True, corner_radius=0.5)
                self.paragraph(experiment, size=10, indent=7)
                self.gap(1.5)

    # -- Each reason in detail -----------------------------------------------------------

    def reasons(self) -> None:
        if not self.report.reasons:
            return
        self.need(60)  # the heading, and the start of the first reason under it
        self.heading(_("The five reasons in detail"), size=14)
        bands = {row.title: row for row in self.report.rows}
        for section in self.report.reasons:
            self.reason(section, bands.get(section.title))

    def reason(self, section: ReasonSection, row: Row | None) -> None:
        band = row.band if row else "no-lean"
        self.need(40)
        self.gap(3)
        top = self.get_y()
        self.set_draw_color(*rgb(band if band != "no-lean" else "line"))
        self.set_line_width(0.8)
        self.line(MARGIN, top, self.w - MARGIN, top)
        self.gap(2.5)
        self.paragraph(section.title, size=12.5, bold=True, leading=1.3)
        badge = section.band_label + (f" · {row.signed_score}" if row and row.signed_score else "")
        self.badge(badge, band)
        self.gap(1.5)
        self.paragraph(section.summary, size=9.5, colour="muted")
        if band == "unclear":
            self.gap(1)
            self.paragraph(
                _(
                    "These answers point both ways: some statements and their opposites were "
                    "both agreed (or both disagreed) with, so there is not enough here to tell "
                    "how this part of the job would suit you."
                ),
                size=9.5,
            )
        for heading, quotes in section.evidence:
            self.subheading(heading)
            for statement, answer in quotes:
                self.need(10)
                self.paragraph(f"“{statement}”", size=9.5, indent=3)
                self.paragraph(answer, size=8.5, colour="muted", indent=3)
                self.gap(1)
        if not section.evidence:
            self.gap(1)
            self.paragraph(
                _("None of the answers here leaned either way."), size=9.5, colour="muted"
            )
        self.subheading(_("What it means in the job"))
        self.paragraph(section.why_it_matters, size=9.5)
        flagged = band in ("some", "strong")
        self.subheading(_("What you could do") if flagged else _("If you want to check"))
        self.paragraph(section.advice, size=9.5)

    def subheading(self, text: str) -> None:
        self.need(14)
        self.gap(1.8)
        self.paragraph(text, size=10, bold=True, leading=1.3)
        self.gap(0.6)

    def badge(self, text: str, band: str) -> None:
        """The band in words, on a tint of its colour, as the page's badge."""
        self.font(8.5, bold=True, colour=f"{band}-text")
        width = self.get_string_width(text) + 5
        tint = {"fits": "#e6f4ec", "some": "#fdf0dc", "strong": "#fdecea"}.get(band, "#eef1f6")
        self.set_fill_color(*rgb(tint))
        y = self.get_y() + 0.8
        self.rect(MARGIN, y, width, 5.4, style="F", round_corners=True, corner_radius=2.7)
        self.set_xy(MARGIN, y)
        self.cell(width, 5.4, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
