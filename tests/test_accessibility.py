"""Accessibility: axe-core finds no WCAG 2.1 A/AA or best-practice violation on any reader page.

Each page is loaded in headless Chromium, axe-core (from node_modules, see package.json) is
added to it and run over the whole document. Every page is checked twice: on a phone
(390×844, dark colour scheme preferred) and on a desktop (1280×800, light), so that layout,
media queries and colours of both are covered.

How axe gets into the page: our Content-Security-Policy allows scripts only from our own
origin or with the response's nonce, so `page.add_script_tag(path=…)` (an inline script) is
blocked. Instead of switching the CSP off (`bypass_csp=True`, which would check a page that
readers never get), the test answers a same-origin URL with axe's file through
`page.route()` and adds a `<script src>` for it: the CSP stays in force, as for readers.
"""

import json

import pytest

from tests.reader_pages import AXE_JS, build_reader_site, reader_pages, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_PATH = "/__test-tools__/axe.min.js"  # answered by the test, never by the site
AXE_OPTIONS = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
VIEWPORTS = {
    "mobile": {"viewport": {"width": 390, "height": 844}, "color_scheme": "dark"},
    "desktop": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "light"},
}


def serve_axe(page):
    page.route(
        f"**{AXE_PATH}",
        lambda route: route.fulfill(path=AXE_JS, content_type="text/javascript; charset=utf-8"),
    )


def run_axe(page):
    page.add_script_tag(url=AXE_PATH)
    assert page.evaluate("typeof window.axe") == "object", "axe-core did not load in the page"
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)


def summary(name, violations):
    lines = []
    for violation in violations:
        lines.append(
            f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} "
            f"– {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(json.dumps(part) for part in node["target"])
            lines.append(f"    {target}")
            lines.append(f"        {node['html'][:200]}")
            detail = node.get("failureSummary", "").replace("\n", "\n        ")
            if detail:
                lines.append(f"        {detail}")
    return "\n".join(lines)


@pytest.mark.parametrize("device", VIEWPORTS)
def test_reader_pages_have_no_axe_violations(new_page, live_server, settings, device):
    require(AXE_JS, "axe-core")
    site = build_reader_site(settings)
    page = new_page()
    page.set_viewport_size(VIEWPORTS[device]["viewport"])
    page.emulate_media(color_scheme=VIEWPORTS[device]["color_scheme"])
    serve_axe(page)

    # A page whose stylesheet or script did not load would be checked in a state readers
    # never see (no colours, no layout, no enhanced controls): every file must arrive.
    broken = []

    def note_broken(response):
        if response.status >= 400 and response.request.resource_type != "document":
            broken.append(f"{response.status} {response.url}")

    page.on("response", note_broken)
    page.on("requestfailed", lambda request: broken.append(f"failed {request.url}"))

    pages = reader_pages(site, live_server.url)
    reports, statuses = [], {}
    for name, path, _status in pages:
        statuses[name] = page.goto(path).status
        page.wait_for_load_state("load")
        results = run_axe(page)
        assert results["passes"], f"{name}: axe checked nothing"
        if results["violations"]:
            reports.append(summary(name, results["violations"]))

    assert statuses == {name: status for name, _path, status in pages}
    assert not broken, "files the pages need did not load:\n" + "\n".join(sorted(set(broken)))
    assert not reports, f"axe-core violations ({device}):\n" + "\n".join(reports)
