"""The baseline of bench/http: a bare Flask app answering every path with a fixed page of ``BARE_BYTES`` bytes (the
size of the portal's home page), served exactly as the portal is (deploy/gunicorn.conf.py behind the same nginx
site)."""

import os

from flask import Flask, Response

app = Flask(__name__)
PAGE = ("<!doctype html><title>bare</title>" + "政" * int(os.environ.get("BARE_BYTES", "30000"))).encode()[
    : int(os.environ.get("BARE_BYTES", "30000"))
]


@app.route("/")
@app.route("/<path:path>")
def page(path: str = "") -> Response:
    return Response(PAGE, content_type="text/html; charset=utf-8")
