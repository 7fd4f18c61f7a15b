"""The production stack on this machine, from the deploy files: Debian's nginx with deploy/nginx/portal.conf (a
throw-away TLS certificate, this machine's ports and paths put in) in front of gunicorn processes started with
deploy/gunicorn.conf.py. Used by tests/deploy/test_nginx.py and bench/http."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 valid for a day, and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def render_site(
    folder: Path,
    http_port: int,
    https_port: int,
    web_ports: list[int],
    cert: Path,
    key: Path,
    *,
    micro_cache: bool = True,
) -> Path:
    """deploy/nginx/portal.conf with this machine's values put in for the ones its header names, and a main
    nginx.conf around it that keeps everything (pid, logs, temporary files) in ``folder``; returns the latter."""
    site = (ROOT / "deploy/nginx/portal.conf").read_text()
    server = "    server 127.0.0.1:{} max_fails=3 fail_timeout=10s;"
    servers = "\n".join(server.format(port) for port in web_ports)
    replacements = {
        "portal.example.gov.cn": "127.0.0.1",
        "/etc/ssl/portal/fullchain.pem": str(cert),
        "/etc/ssl/portal/privkey.pem": str(key),
        "/srv/portal/static-errors": str(ROOT / "deploy/nginx/errors"),
        "/srv/portal/static": str(ROOT / "static"),
        "/var/cache/nginx/portal": str(folder / "cache"),
        f"{server.format(5001)}\n{server.format(5002)}": servers,
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
    }
    if not micro_cache:
        replacements["proxy_cache portal_pages;"] = "proxy_cache off;"
    for old, new in replacements.items():
        if old not in site:
            raise ValueError(f"deploy/nginx/portal.conf no longer holds {old!r}")
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    main = f"""
{"user root root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"


def start_nginx(conf: Path) -> subprocess.Popen:
    """nginx in the foreground with ``conf`` (checked with ``nginx -t`` first)."""
    folder = conf.parent
    check = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(check.stderr)
    return subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "nginx.out").open("w"),
    )


def start_gunicorn(env: dict[str, str], port: int, log_path: Path, app: str = "wsgi:app") -> subprocess.Popen:
    """``gunicorn -c deploy/gunicorn.conf.py <app>`` on ``port``, once it answers ``GET /``."""
    process = subprocess.Popen(
        [GUNICORN, "-c", "deploy/gunicorn.conf.py", app],
        cwd=ROOT,
        env=dict(env, PORT=str(port)),
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not answer on {port}:\n{log_path.read_text()[-3000:]}")


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
