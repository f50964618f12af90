"""axe-core (the npm package, in node_modules/ after `npm ci`) run inside the test browser, and
the WCAG reflow check (the page never scrolls sideways)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_available() -> bool:
    return AXE.exists()


def set_viewport(driver, width: int, height: int = 900) -> None:
    """An exact viewport (not the window with its frame), as a phone or desktop shows the page."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def sideways_scroll(driver) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal page scroll)."""
    return int(driver.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth;"))


def violations(driver) -> list[dict]:
    """axe-core's serious and critical violations on the current page: (rule, impact, targets)."""
    if not driver.execute_script("return typeof window.axe !== 'undefined';"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done("
        "[{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));")
    return [{"rule": v["id"], "impact": v["impact"], "help": v.get("help"),
             "targets": [n.get("target") for n in v.get("nodes", [])][:5]}
            for v in result if v.get("impact") in BLOCKING]
