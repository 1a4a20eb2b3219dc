"""Validity: the Nu HTML Checker (vnu-jar from npm, run with the machine's Java) reports no
errors on any reader page.

The pages are rendered as readers get them (production-like settings, through the test
client), written to files and checked in one run of the checker: starting its JVM takes
seconds, checking a page milliseconds.
"""

import json
import subprocess

import pytest

from tests.reader_pages import VNU_JAR, build_reader_site, reader_pages, require, require_java

pytestmark = pytest.mark.django_db


def test_reader_pages_are_valid_html(client, settings, tmp_path):
    java = require_java()
    require(VNU_JAR, "vnu-jar (the Nu HTML Checker)")
    site = build_reader_site(settings)

    names = []
    for name, path, expected_status in reader_pages(site, "http://testserver"):
        response = client.get(path)
        assert response.status_code == expected_status, f"{name} ({path})"
        assert response["Content-Type"].startswith("text/html"), name
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        names.append(name)

    checked = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only",
         *(str(tmp_path / f"{name}.html") for name in names)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    try:
        messages = json.loads(checked.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the checker gave no report (exit {checked.returncode}):\n"
                    f"{checked.stdout}\n{checked.stderr}")

    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    report = "\n".join(
        f"{m.get('url', '?').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}:"
        f"{m.get('firstColumn', m.get('lastColumn', '?'))}: {m['message']}"
        + (f"\n    {m['extract'].strip()}" if m.get("extract") else "")
        for m in errors
    )
    assert not errors, f"Nu HTML Checker errors:\n{report}"
