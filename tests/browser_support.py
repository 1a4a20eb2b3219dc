"""Headless Chromium through Playwright, for tests marked `browser`."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip():
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run installs Debian's `chromium`.")
    pytest.skip(f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium` to run this.")
