"""Generated bad requests, sent as raw bytes: what an attacker or a broken client sends.

scripts/topology.py sends them through nginx to the two gunicorns. Every
request is made from a fixed seed, so a run can be repeated request for
request; each is sent on its own connection, from a random loopback address
(127.2.x.y) so that the per-client rate limits do not hide the app behind 429s.

The kinds: bodies that are not form data, charsets other than UTF-8, multipart
without or with a broken boundary, huge and many headers, bad cookies (escaped
NULs among them), bad UUIDs and step numbers, every method, bodies over the
size limit, random bytes in paths and query strings, duplicate and too many
fields, odd Host headers and broken chunked bodies; across every URL, with
and without a valid CSRF token and owner cookie.
"""

from __future__ import annotations

import contextlib
import random
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MAX_BODY = 1024 * 1024  # MLFIT_MAX_REQUEST_BYTES in the topology run


@dataclass
class Target:
    """What the generator may aim at: real ids, and a browser's cookies and CSRF token."""

    host: str  # the Host header, e.g. 127.0.0.1:8080
    csrf_cookie: str
    csrf_token: str
    owner_cookie: str  # `mlfit_owner=...` of the browser that owns both submissions
    in_progress: str  # a submission id owned by that browser, not completed
    completed: str  # one owned and completed: its answers must never change
    others: list[str]  # other respondents' completed submissions


def request(
    method: str | bytes,
    target: str | bytes,
    headers: list[tuple[str, str | bytes]],
    body: bytes = b"",
    *,
    version: bytes = b"HTTP/1.1",
    length: bool = True,
) -> bytes:
    """Return the raw bytes of one request, ending the connection after the answer."""

    def raw(value: str | bytes) -> bytes:
        return value if isinstance(value, bytes) else value.encode("latin-1", "replace")

    lines = [raw(method) + b" " + raw(target) + b" " + version]
    lines += [raw(name) + b": " + raw(value) for name, value in headers]
    lines.append(b"Connection: close")
    if length and body and not any(name.lower() == "content-length" for name, _ in headers):
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class Generator:
    """Bad requests from a seed; generate(n) yields (kind, raw request)."""

    def __init__(self, seed: int, target: Target) -> None:
        self.rng = random.Random(seed)
        self.t = target
        self.kinds: list[tuple[str, int, Callable[[], bytes]]] = [
            ("malformed body", 12, self.malformed_body),
            ("wrong charset", 8, self.wrong_charset),
            ("multipart", 10, self.multipart),
            ("huge headers", 5, self.huge_headers),
            ("bad cookies", 10, self.bad_cookies),
            ("bad ids and steps", 12, self.bad_ids),
            ("methods", 8, self.methods),
            ("oversized body", 3, self.oversized),
            ("random path and query", 12, self.random_path),
            ("fields", 12, self.fields),
            ("host and framing", 5, self.framing),
        ]

    def generate(self, count: int) -> Iterator[tuple[str, bytes]]:
        names = [name for name, _, _ in self.kinds]
        weights = [weight for _, weight, _ in self.kinds]
        makers = {name: make for name, _, make in self.kinds}
        for _ in range(count):
            kind = self.rng.choices(names, weights)[0]
            yield kind, makers[kind]()

    # -- Pieces ------------------------------------------------------------------------

    def junk(self, low: int = 0, high: int = 200) -> bytes:
        return self.rng.randbytes(self.rng.randint(low, high))

    def some_uuid(self) -> str:
        t = self.t
        return self.rng.choice(
            [
                t.in_progress,
                t.completed,
                *t.others[:5],
                str(uuid.UUID(int=self.rng.getrandbits(128))),
            ]
        )

    def url(self) -> str:
        """Return one of the site's URLs, with a real or a random id."""
        sid = self.some_uuid()
        number = self.rng.choice([1, 2, 3, 5, 6, 0, 99])
        # Delete only what this browser does not own: its own delete is a real request.
        stranger = self.rng.choice(
            [*self.t.others[:5], str(uuid.UUID(int=self.rng.getrandbits(128)))]
        )
        return self.rng.choice(
            [
                "/",
                "/health/",
                "/start/",
                f"/s/{sid}/",
                f"/s/{sid}/step/{number}/",
                f"/s/{sid}/check/",
                f"/results/{sid}/",
                f"/results/{sid}/pdf/",
                f"/results/{sid}/preview.png",
                f"/results/{stranger}/delete/",
                "/i18n/setlang/",
                "/admin/",
                "/admin/login/",
                "/admin/assessments/submission/",
                "/favicon.ico",
                "/static/css/mlfit.css",
            ]
        )

    def post_url(self) -> str:
        sid = self.rng.choice([self.t.in_progress, self.t.completed, self.some_uuid()])
        return self.rng.choice(
            [
                "/start/",
                f"/s/{sid}/step/{self.rng.randint(1, 5)}/",
                f"/s/{sid}/check/",
                "/i18n/setlang/",
                "/admin/login/",
            ]
        )

    def cookies(self) -> list[tuple[str, str]]:
        """Valid CSRF cookie and owner cookie, most of the time."""
        parts = []
        if self.rng.random() < 0.8:
            parts.append(f"csrftoken={self.t.csrf_cookie}")
        if self.rng.random() < 0.7:
            parts.append(self.t.owner_cookie)
        return [("Cookie", "; ".join(parts))] if parts else []

    def base(self, post: bool = False) -> list[tuple[str, str | bytes]]:
        headers: list[tuple[str, str | bytes]] = [("Host", self.t.host)]
        headers += self.cookies()
        if post and self.rng.random() < 0.8:
            headers.append(("X-CSRFToken", self.t.csrf_token))
            headers.append(("Origin", f"http://{self.t.host}"))
        return headers

    def form(self) -> bytes:
        """A step form with a valid token and random, often wrong, values."""
        fields = [("csrfmiddlewaretoken", self.t.csrf_token)]
        for _ in range(self.rng.randint(0, 12)):
            name = self.rng.choice([f"q{self.rng.randint(-2, 40)}", "action", "checking", "x"])
            value = self.rng.choice(
                ["1", "3", "5", "0", "6", "-1", "", "9" * 30, "next", "back", "1.5", "\x00"]
            )
            fields.append((name, value))
        return "&".join(f"{n}={v}" for n, v in fields).encode()

    # -- The kinds -----------------------------------------------------------------------

    def malformed_body(self) -> bytes:
        body = self.rng.choice(
            [
                self.junk(),
                b"%",
                b"q1=%zz&q2=%",
                b"q1=%ff%fe%00",
                b"&&&===&=&",
                b"a" * self.rng.randint(1, 5000),
                b"csrfmiddlewaretoken=" + self.t.csrf_token.encode() + b"&q1=" + self.junk(1, 40),
                b'{"q1": 3}',
                b"<?xml version='1.0'?><a/>",
            ]
        )
        kind = self.rng.choice(
            [
                "application/x-www-form-urlencoded",
                "application/json",
                "text/plain",
                "application/xml",
                "",
                "x/" + "y" * 300,
            ]
        )
        headers = self.base(post=True) + ([("Content-Type", kind)] if kind else [])
        return request("POST", self.post_url(), headers, body)

    def wrong_charset(self) -> bytes:
        charset = self.rng.choice(
            ["latin-1", "utf-16", "utf-32", "x-nope", "", '"utf-8', "utf-8\\0", "cp500", "utf-7"]
        )
        text = "csrfmiddlewaretoken=" + self.t.csrf_token + "&q1=3&action=next&x=é中"
        encoding = self.rng.choice(["utf-8", "utf-16", "latin-1", "cp500"])
        body = text.encode(encoding, "replace")
        kind = f"application/x-www-form-urlencoded; charset={charset}"
        if self.rng.random() < 0.3:
            kind = f"multipart/form-data; boundary=xx; charset={charset}"
        return request(
            "POST", self.post_url(), [*self.base(post=True), ("Content-Type", kind)], body
        )

    def multipart(self) -> bytes:
        boundary = self.rng.choice(["xx", "", "a" * 80, "-" * 5, "b\x01c", "zz"])
        part = (
            b'--xx\r\nContent-Disposition: form-data; name="q1"\r\n\r\n3\r\n'
            b'--xx\r\nContent-Disposition: form-data; name="f"; filename="../../etc/passwd"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n" + self.junk(0, 2000) + b"\r\n"
        )
        body = self.rng.choice(
            [
                part + b"--xx--\r\n",
                part,  # no closing boundary
                b"--xx\r\n" + self.junk(),
                b"--xx\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--xx--",
                b"--xx\r\n\r\n\r\n--xx--",
                self.junk(),
                b'--xx\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                + self.t.csrf_token.encode()
                + b"\r\n--xx--\r\n",
            ]
        )
        kind = self.rng.choice(
            [
                "multipart/form-data",
                f"multipart/form-data; boundary={boundary}",
                "multipart/form-data; boundary=xx; boundary=yy",
                "multipart/mixed; boundary=xx",
                "multipart/form-data; boundary=xx",
            ]
        )
        return request(
            "POST", self.post_url(), [*self.base(post=True), ("Content-Type", kind)], body
        )

    def huge_headers(self) -> bytes:
        headers = self.base()
        choice = self.rng.randrange(4)
        if choice == 0:
            headers.append(("X-Big", "a" * self.rng.randint(4000, 20000)))
        elif choice == 1:
            headers += [(f"X-H{k}", "v" * 50) for k in range(self.rng.randint(50, 200))]
        elif choice == 2:
            headers.append(("Cookie", "c=" + "x" * self.rng.randint(4000, 12000)))
        else:
            return request("GET", "/?" + "q=1&" * self.rng.randint(1000, 3000), headers)
        return request(self.rng.choice(["GET", "POST"]), self.url(), headers)

    def bad_cookies(self) -> bytes:
        value = self.rng.choice(
            [
                'sessionid="\\000aaaa"',
                "sessionid=\x00aaaa",
                'sessionid="\\377\\376"',
                "sessionid=" + "a" * 300,
                "sessionid=../../../etc/passwd",
                "mlfit_owner=" + self.junk(1, 40).hex(),
                'mlfit_owner="\\000:abc"',
                "mlfit_owner=abc:def:ghi",
                "mlfit_owner=" + self.t.owner_cookie.split("=", 1)[1][:-3] + "xyz",
                "csrftoken=" + "z" * 64,
                "csrftoken=\\000",
                "django_language=xx-evil",
                "django_language=" + "\\" * 30,
                "a=b; a=c; csrftoken=1; csrftoken=2",
                "=;=;;;=",
                "; ".join(f"c{k}=v" for k in range(300)),
            ]
        )
        raw = value.encode("latin-1", "replace")
        if self.rng.random() < 0.2:
            raw += b"\xff\xfe"
        method = self.rng.choice(["GET", "POST", "HEAD"])
        headers: list[tuple[str, str | bytes]] = [("Host", self.t.host), ("Cookie", raw)]
        if method == "POST":
            headers += [
                ("X-CSRFToken", self.t.csrf_token),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ]
        return request(method, self.url(), headers, self.form() if method == "POST" else b"")

    def bad_ids(self) -> bytes:
        sid = self.rng.choice(
            [
                "not-a-uuid",
                self.t.completed.upper(),
                self.t.completed.replace("-", ""),
                self.t.completed[:-1],
                "00000000-0000-0000-0000-000000000000",
                "%00" * 12,
                str(uuid.UUID(int=self.rng.getrandbits(128))),
                *self.t.others[:3],
                self.t.in_progress,
            ]
        )
        number = self.rng.choice(
            ["0", "-1", "6", "99999999999999999999999999", "1.5", "%31", "1e3", "٣", "2", "5"]
        )
        path = self.rng.choice(
            [f"/s/{sid}/step/{number}/", f"/s/{sid}/", f"/s/{sid}/check/", f"/results/{sid}/"]
        )
        method = self.rng.choice(["GET", "POST", "HEAD"])
        headers = self.base(post=method == "POST")
        body = b""
        if method == "POST":
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = self.form()
        return request(method, path, headers, body)

    def methods(self) -> bytes:
        method = self.rng.choice(
            [
                "PUT",
                "DELETE",
                "PATCH",
                "OPTIONS",
                "TRACE",
                "PROPFIND",
                "MKCOL",
                "LINK",
                "FOO",
                "get",
                "G\x01T",
                "POSTT",
                "HEAD",
                "A" * 40,
            ]
        )
        body = self.form() if self.rng.random() < 0.5 else b""
        headers = self.base(post=True)
        if body:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        return request(method, self.url(), headers, body)

    def oversized(self) -> bytes:
        headers = [*self.base(post=True), ("Content-Type", "application/x-www-form-urlencoded")]
        if self.rng.random() < 0.9:
            # Declared larger than the limit: refused on the header, nothing read.
            size = self.rng.choice([MAX_BODY + 1, 50 * MAX_BODY, 10**15])
            return request("POST", self.post_url(), [*headers, ("Content-Length", str(size))])
        return request("POST", self.post_url(), headers, b"q1=3&" * (MAX_BODY // 5 + 100))

    def random_path(self) -> bytes:
        def piece() -> str:
            return "".join(f"%{byte:02X}" for byte in self.junk(1, 30))

        path = self.rng.choice(
            [
                "/" + piece(),
                self.url() + "?" + piece() + "=" + piece(),
                self.url() + "?next=" + piece(),
                f"/s/{piece()}/step/1/",
                "/results/" + piece() + "/",
                "/static/" + piece(),
                "/static/../mlfit/settings.py",
                "/static/%2e%2e/%2e%2e/etc/passwd",
                "//" + piece(),
                "/%00",
                "/?" + "&".join("a=" + piece() for _ in range(20)),
            ]
        )
        raw = path.encode()
        if self.rng.random() < 0.15:  # raw bytes, not escaped
            raw = b"/" + bytes(self.rng.choice(range(0x21, 0x100)) for _ in range(20))
        return request(self.rng.choice(["GET", "HEAD", "POST"]), raw, self.base(post=True))

    def fields(self) -> bytes:
        choice = self.rng.randrange(4)
        if choice == 0:  # duplicates
            body = self.form() + b"&q1=1&q1=5&q1=9&action=next&action=back"
        elif choice == 1:  # more fields than Django reads
            body = self.form() + b"&" + b"&".join(b"f%d=1" % k for k in range(1200))
        elif choice == 2:  # long values
            body = self.form() + b"&q2=" + b"3" * self.rng.randint(1000, 200000)
        else:
            body = self.form()
        headers = [*self.base(post=True), ("Content-Type", "application/x-www-form-urlencoded")]
        return request("POST", self.post_url(), headers, body)

    def framing(self) -> bytes:
        choice = self.rng.randrange(6)
        if choice == 0:
            host = self.rng.choice(["evil.example", "", "a" * 300, "127.0.0.1:99999", "[::1"])
            return request("GET", self.url(), [("Host", host)])
        if choice == 1:
            return request("GET", self.url(), [], version=b"HTTP/1.0")
        if choice == 2:  # broken chunked body
            headers = [*self.base(post=True), ("Transfer-Encoding", "chunked")]
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = self.rng.choice([b"zz\r\nabc\r\n0\r\n\r\n", b"3\r\nq1=\r\n0\r\n\r\n"])
            return request("POST", self.post_url(), headers, body, length=False)
        if choice == 3:  # both framings at once
            headers = [*self.base(post=True), ("Transfer-Encoding", "chunked")]
            headers.append(("Content-Length", "5"))
            return request("POST", self.post_url(), headers, b"5\r\nq1=3&\r\n0\r\n\r\n")
        if choice == 4:
            return request("GET", self.url(), [*self.base(), ("Content-Length", "-1")])
        headers = [*self.base(), ("X-Forwarded-For", "1.2.3.4, " + "9" * 50)]
        headers.append(("X-Forwarded-Host", "evil.example"))
        return request("GET", self.url(), headers)


def send(port: int, raw: bytes, source: str, timeout: float = 20.0) -> tuple[int, bytes]:
    """Send `raw` from `source` to 127.0.0.1:port; return (status, first line), 0 for no answer."""
    with socket.create_connection(("127.0.0.1", port), timeout, (source, 0)) as conn:
        # Refused before all of it was sent (a 413, say): the answer is still there.
        with contextlib.suppress(OSError):
            conn.sendall(raw)
        answer = b""
        try:
            # Only the status is wanted: stop at the end of the headers rather than
            # wait for nginx's lingering close after a refused body.
            while b"\r\n\r\n" not in answer and len(answer) < 65536:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass
    first = answer.split(b"\r\n", 1)[0]
    parts = first.split()
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1]), first
    return 0, first
