"""Fetch a picture named in an import, without letting the import reach inside our network.

An export names image URLs, and whoever wrote the export chose them: a URL such as
`http://169.254.169.254/latest/meta-data/` or `http://localhost:6379/` would make the
importer a proxy into the hosting network. So `fetch_image()` takes http(s) only, resolves
the host itself, refuses every address that is not public, connects to exactly the address
it checked (a second DNS answer cannot swap in another: no DNS rebinding), checks every
redirect the same way, and stops at a size and a time limit. Whether the bytes are a picture
is decided by `images.accept_upload()`, by content, as for uploads.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 3
TIMEOUT = 20  # seconds for the whole fetch, redirects included
USER_AGENT = "newsroom-importer/1 (+https://github.com/)"
CHUNK = 64 * 1024


class FetchError(Exception):
    """The picture could not be fetched; the message says why, for the import summary."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str


def fetch_image(url, *, max_bytes=None, timeout=TIMEOUT, allow_loopback=False):
    """Download `url` and return a Fetched, or raise FetchError.

    `allow_loopback` exists for the tests only, which serve pictures from 127.0.0.1: no
    command or setting passes it.
    """
    max_bytes = max_bytes or settings.IMAGE_MAX_BYTES
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"{url}: only http and https addresses are fetched")
        if not parts.hostname:
            raise FetchError(f"{url}: the address has no host")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise FetchError(f"{url}: {error}") from error
        address = resolve(parts.hostname, port, allow_loopback=allow_loopback)
        response, connection = request(parts, address, port, remaining(deadline, url))
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{url}: redirect without a Location")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(f"{url}: the server answered {response.status}")
            content = read_limited(response, max_bytes, deadline, url)
            return Fetched(url, content, response.getheader("Content-Type", ""))
        finally:
            connection.close()
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def resolve(host, port, *, allow_loopback=False):
    """The first address of `host`, refused unless every address it has is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"{host}: the name does not resolve ({error})") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError(f"{host}: the name does not resolve")
    for address in addresses:
        refusal = not_public(address, allow_loopback=allow_loopback)
        if refusal:
            raise FetchError(f"{host} resolves to {address}, {refusal}: not fetched")
    return addresses[0]


def not_public(address, *, allow_loopback=False):
    """Why `address` is not on the public internet, or "" if it is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and 64:ff9b::/96 (NAT64) carry an IPv4 address: judge that one.
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip in ipaddress.ip_network("64:ff9b::/96"):
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.is_loopback:
        return "" if allow_loopback else "a loopback address"
    checks = [
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ]
    for attribute, reason in checks:
        if getattr(ip, attribute):
            return reason
    if not ip.is_global:
        return "not a public address"
    return ""


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address we checked; the Host header still names the host."""

    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As PinnedHTTPConnection, with the certificate checked for the host's name (SNI)."""

    def __init__(self, host, address, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def request(parts, address, port, timeout):
    kind = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = kind(parts.hostname, address, port=port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(
            "GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*"}
        )
        return connection.getresponse(), connection
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        raise FetchError(f"{parts.geturl()}: {error or type(error).__name__}") from error


def read_limited(response, max_bytes, deadline, url):
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"{url}: {int(length)} bytes, more than the limit of {max_bytes}")
    chunks, size = [], 0
    try:
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url}: more than the limit of {max_bytes} bytes")
            remaining(deadline, url)
            chunks.append(chunk)
    except (OSError, http.client.HTTPException) as error:
        raise FetchError(f"{url}: {error or type(error).__name__}") from error
    return b"".join(chunks)


def remaining(deadline, url):
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"{url}: took longer than the time limit")
    return left
