"""Static files under content-hashed names (portal/assets.py): cached for good, and a change is a new URL."""

from __future__ import annotations

import hashlib
import re

from portal.assets import HASH_LENGTH, HashedNames


def test_pages_link_static_files_by_hashed_name_and_those_are_cached_for_a_year(client, app):
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/portal\.([0-9a-f]+)\.css)"', page)
    assert css, page[:800]
    with open(app.static_folder + "/css/portal.css", "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    assert css.group(2) == digest[:HASH_LENGTH]
    response = client.get(css.group(1))
    assert response.status_code == 200 and b"body" in response.data
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    scripts = re.findall(r'src="(/static/js/[^"]+)"', page)
    assert scripts and all(re.search(r"\.[0-9a-f]{12}\.js$", src) for src in scripts)


def test_a_plain_or_outdated_name_is_served_with_a_short_cache(client):
    plain = client.get("/static/css/portal.css")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "public, max-age=300"
    stale = client.get("/static/css/portal.0123456789ab.css")
    assert stale.status_code == 200 and stale.data == plain.data
    assert stale.headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/static/css/missing.0123456789ab.css").status_code == 404
    assert client.get("/static/../portal/config.py").status_code == 404


def test_a_changed_file_gets_a_new_name(tmp_path):
    (tmp_path / "js").mkdir()
    script = tmp_path / "js" / "page.js"
    script.write_text("console.log(1);")
    names = HashedNames(tmp_path)
    first = names.hashed("js/page.js")
    assert re.fullmatch(r"js/page\.[0-9a-f]{12}\.js", first)
    assert names.original(first) == ("js/page.js", True)
    script.write_text("console.log(22);")
    second = names.hashed("js/page.js")
    assert second != first
    assert names.original(first) == ("js/page.js", False)
    assert names.hashed("js/missing.js") == "js/missing.js"
    assert names.hashed("../outside.js") == "../outside.js"
