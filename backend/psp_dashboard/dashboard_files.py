"""The dashboard's static export, served with the headers a browser needs to load it fast.

- `/_next/static/…` names carry a content hash, so a name always means the same bytes:
  browsers keep them a year and never ask again (`immutable`). Everything else (HTML,
  route payloads, favicon) is revalidated on each use (`no-cache` + ETag → a 304), so a
  new deployment shows at the next navigation.
- The build writes a gzip copy next to each text asset (`scripts/build-frontend.sh`);
  a client that accepts gzip gets those bytes as they are, with no compression work per
  request (the JavaScript of the overview is ~3× smaller that way).
- Each page carries a Content-Security-Policy that allows its own inline scripts by
  their SHA-256 (Next.js writes the route payload into a few of them) and everything
  else only from this origin; no page may be framed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os
import re
from functools import lru_cache
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Scope

HASHED_PREFIX = "_next/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


# Inline <script> elements (no src attribute) and their text, as the browser hashes it.
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.DOTALL)
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# `next/script` with strategy beforeInteractive: the page queues the script's text in
# `self.__next_s`, and Next's runtime inserts it as an inline script of its own.
_QUEUED_SCRIPTS = re.compile(
    rb"^\(self\.__next_s=self\.__next_s\|\|\[\]\)\.push\((?P<args>.*)\);?$", re.DOTALL
)


def _script_texts(html: bytes) -> list[bytes]:
    texts: list[bytes] = []
    for body in _INLINE_SCRIPT.findall(html):
        texts.append(body)
        queued = _QUEUED_SCRIPTS.match(body.strip())
        if queued is None:
            continue
        try:
            args = json.loads(queued.group("args"))
        except ValueError:
            continue
        for item in args if isinstance(args, list) else []:
            if isinstance(item, dict) and isinstance(item.get("children"), str):
                texts.append(item["children"].encode())
    return texts


def page_policy(html: bytes) -> str:
    """The Content-Security-Policy of one exported page."""
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"
            for text in _script_texts(html)
        }
    )
    return _PAGE_POLICY.format(hashes="".join(f" {h}" for h in hashes))


@lru_cache(maxsize=256)
def _cached_policy(path: str, mtime_ns: int, size: int) -> str:
    # Keyed by the file's identity: a new build (new mtime or size) is read again.
    return page_policy(Path(path).read_bytes())


def _accepts_gzip(headers: Headers) -> bool:
    for part in headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*") and params.replace(" ", "") != "q=0":
            return True
    return False


class DashboardFiles(StaticFiles):
    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request_headers = Headers(scope=scope)
        path = Path(full_path)
        relative = self.get_path(scope).replace(os.sep, "/")
        headers = {
            "Cache-Control": IMMUTABLE if relative.startswith(HASHED_PREFIX) else REVALIDATE,
            "Vary": "Accept-Encoding",
        }
        # The type is the asset's own, also when the bytes sent are its gzip copy.
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type == "text/html":
            headers["Content-Security-Policy"] = _cached_policy(
                str(path), stat_result.st_mtime_ns, stat_result.st_size
            )
        gzipped = path.with_name(path.name + ".gz")
        if _accepts_gzip(request_headers) and gzipped.is_file():
            path, stat_result = gzipped, gzipped.stat()
            headers["Content-Encoding"] = "gzip"
        response = FileResponse(
            path,
            status_code=status_code,
            media_type=media_type,
            headers=headers,
            stat_result=stat_result,
        )
        if self.is_not_modified(response.headers, request_headers):
            not_modified = NotModifiedResponse(response.headers)
            # A browser stores a 304's headers over the cached page's: without its own
            # policy the page would take the API's (which allows no script at all).
            if "Content-Security-Policy" in headers:
                not_modified.headers["Content-Security-Policy"] = headers["Content-Security-Policy"]
            return not_modified
        return response
