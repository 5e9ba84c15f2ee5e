"""Look at a page the way an auditor does: axe-core, screenshots, phone-size checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
# Screenshots of the check page and the calibrated results, for review (issue 9).
REVIEW_SCREENSHOTS = ARTIFACTS / "issue9"

# Shipped with the tests (from the axe-core npm package, MPL-2.0): nothing is
# fetched at run time.
AXE_VERSION = "4.14.1"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")

# WCAG 2.2 AA, 2.5.8 Target Size (Minimum).
MIN_TARGET = 24


def screenshot(page: Page, name: str, size: str, folder: Path = SCREENSHOTS) -> Path:
    """Save a full-page PNG to <folder>/<name>-<size>.png (test-artifacts/screenshots/)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{size}.png"
    page.screenshot(path=path, full_page=True, animations="disabled", caret="initial")
    return path


def axe(page: Page, name: str) -> list[dict]:
    """Run axe-core on the page; save every violation, return the serious and critical ones."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol rather than added as a <script>
        # tag, so the site's Content-Security-Policy (no inline scripts) stays on.
        page.evaluate(f"{AXE_SCRIPT.read_text(encoding='utf-8')}\n;undefined")
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "helpUrl": violation["helpUrl"],
            "targets": [node["target"] for node in violation["nodes"]],
            "summaries": [node.get("failureSummary", "") for node in violation["nodes"]],
        }
        for violation in results["violations"]
    ]
    report = ARTIFACTS / "axe" / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(violations, indent=2), encoding="utf-8")
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def describe_violations(name: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} serious or critical violation(s) on {name}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for target, summary in zip(violation["targets"], violation["summaries"], strict=True):
            lines.append(f"    at {' '.join(target)}: {' '.join(summary.split())}")
    return "\n".join(lines)


def assert_accessible(page: Page, name: str) -> None:
    violations = axe(page, name)
    assert not violations, describe_violations(name, violations)


# Added to every page before its own scripts run (see the browser conftest):
# records what the site's Content-Security-Policy blocked, such as an inline
# script or a style="" attribute.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at line ${event.lineNumber}: ${event.sample}`);
});
"""


def csp_violations(page: Page) -> list[str]:
    """Return what the Content-Security-Policy blocked on this page so far."""
    return page.evaluate("() => window.__cspViolations || []")


def horizontal_overflow(page: Page) -> int:
    """Return by how many CSS px the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


# Which elements are pointer targets, and which are exempt, in the words of
# WCAG 2.5.8:
# - every visible link, button, form control, and label of a radio button or
#   checkbox (the label is part of the control's target: clicking it chooses);
# - exempt: a link that sits in a sentence ("inline" exception): its element
#   is displayed inline and the nearest block around it holds other text, so
#   its height is set by the line of text it is part of;
# - a skip link hidden until focused is not a target while hidden, so it is
#   measured while focused, the only time a pointer could meet it;
# - controls that are not rendered (display none, visibility hidden, zero
#   size) are not targets.
TARGETS_SCRIPT = """
(minimum) => {
  const inSentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block) return false;
    const own = el.textContent.replace(/\\s+/g, "");
    const around = block.textContent.replace(/\\s+/g, "");
    return around.length > own.length;
  };
  const describe = (el) => {
    const text = (el.textContent || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${text.slice(0, 60)}"`;
  };
  const measure = (el) => {
    const hiddenUntilFocused = el.matches(".visually-hidden-focusable, .visually-hidden-focusable *");
    const previous = document.activeElement;
    if (hiddenUntilFocused) el.focus();
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const shown = style.display !== "none" && style.visibility !== "hidden" && rect.width > 0 && rect.height > 0;
    if (hiddenUntilFocused) { el.blur(); if (previous && previous.focus) previous.focus({preventScroll: true}); }
    return {shown, width: rect.width, height: rect.height};
  };
  const small = [];
  const exempt = [];
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, label[for]";
  for (const el of document.querySelectorAll(selector)) {
    if (el.tagName === "LABEL") {
      const control = document.getElementById(el.htmlFor);
      if (!control || !["radio", "checkbox"].includes(control.type)) continue;
    }
    const {shown, width, height} = measure(el);
    if (!shown) continue;
    if (width >= minimum && height >= minimum) continue;
    const entry = `${describe(el)}: ${Math.round(width * 10) / 10}x${Math.round(height * 10) / 10}`;
    (inSentence(el) ? exempt : small).push(entry);
  }
  return {small, exempt};
}
"""


def small_targets(page: Page) -> dict[str, list[str]]:
    """Return {"small": targets under 24x24 CSS px, "exempt": inline links under it}."""
    return page.evaluate(TARGETS_SCRIPT, MIN_TARGET)
