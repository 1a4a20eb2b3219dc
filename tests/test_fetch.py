"""Fetching import media never reaches inside our network; these tests never touch the internet.

The success paths run against a local http.server on 127.0.0.1 with `allow_loopback=True`,
a parameter that exists for these tests only.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.fetch import FetchError, fetch_image, not_public
from tests.conftest import png_bytes

PICTURE = png_bytes()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/picture.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PICTURE)))
            self.end_headers()
            self.wfile.write(PICTURE)
        elif self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            self.send_response(302)
            target = "/picture.png" if left == 0 else f"/hop/{left - 1}"
            self.send_header("Location", target)
            self.end_headers()
        elif self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()  # no Content-Length: the limit must hold while streaming
            self.wfile.write(b"x" * 200_000)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/a.jpg", "loopback"),
        ("http://localhost/a.jpg", "loopback"),
        ("http://10.1.2.3/a.jpg", "private"),
        ("http://192.168.0.1/a.jpg", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/a.jpg", "loopback"),
        ("http://[::ffff:127.0.0.1]/a.jpg", "loopback"),
        ("http://[fe80::1]/a.jpg", "link-local"),
        ("http://0.0.0.0/a.jpg", "unspecified"),
        ("http://224.0.0.1/a.jpg", "multicast"),
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.org/a.jpg", "only http and https"),
    ],
)
def test_addresses_outside_the_public_internet_are_refused(url, reason):
    with pytest.raises(FetchError, match=reason):
        fetch_image(url)


def test_public_addresses_pass_the_check():
    assert not_public("93.184.215.14") == ""
    assert not_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c") == ""
    assert not_public("::ffff:10.0.0.1") == "a private address"


def test_fetches_a_picture_from_an_allowed_server(server):
    fetched = fetch_image(f"{server}/picture.png", allow_loopback=True)
    assert fetched.content == PICTURE
    assert fetched.content_type == "image/png"


def test_follows_up_to_three_redirects(server):
    assert fetch_image(f"{server}/hop/2", allow_loopback=True).content == PICTURE
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch_image(f"{server}/hop/3", allow_loopback=True)


def test_a_redirect_into_the_network_is_refused(server):
    with pytest.raises(FetchError, match="link-local"):
        fetch_image(f"{server}/to-metadata", allow_loopback=True)


def test_size_limit_holds_while_streaming(server):
    with pytest.raises(FetchError, match="more than the limit of 100000 bytes"):
        fetch_image(f"{server}/big", max_bytes=100_000, allow_loopback=True)


def test_error_status_is_reported(server):
    with pytest.raises(FetchError, match="answered 404"):
        fetch_image(f"{server}/missing", allow_loopback=True)
