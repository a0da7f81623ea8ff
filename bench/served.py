"""The site served by gunicorn as ``make serve`` serves it, for the drills that need real workers.

``production_env`` gives the environment of a production-like process (debug off, its own
database and static folder, plain HTTP on 127.0.0.1); ``manage`` runs a management command in it;
``Gunicorn`` starts the server on a free port between 8100 and 8199 and stops it afterwards;
``Client`` is one keep-alive HTTP connection that carries cookies back like a browser.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8100, 8200)


def production_env(folder, database_url, **extra):
    """Environment for a production-like process; a fresh secret each time (fresh client keys)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="directory.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(Path(folder) / "static"),
        DATABASE_URL=database_url,
        # Mail kept in memory: nothing is sent, and no "mail is off" from every process.
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    env.update(extra)
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


class Gunicorn:
    """gunicorn with ``make serve``'s workers and threads, its error log kept in ``log_path``."""

    def __init__(self, env, log_path):
        self.env, self.log_path = env, Path(log_path)
        self.port = free_port()

    def __enter__(self):
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "directory.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "2",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Client(self.port).get("/health/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer; see {self.log_path}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()

    def log_text(self):
        return self.log_path.read_text(errors="replace")


class Client:
    """One keep-alive connection to the server; reconnects when the server drops it."""

    def __init__(self, port, timeout=30):
        self.port, self.timeout = port, timeout
        self.cookies = SimpleCookie()
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body text) of one request."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        # A keep-alive connection the server closed while idle fails on first use: a GET is
        # sent again on a new one; a POST never is, so nothing is counted twice.
        attempts = 2 if method in ("GET", "HEAD") else 1
        for attempt in range(1, attempts + 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode(errors="replace")
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == attempts:
                    raise
                continue
            for value in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(value)
            return response.status, response.headers, text
        raise AssertionError("unreachable")

    def get(self, path):
        return self.request("GET", path)
