"""The dashboard's static export, served with the headers a browser needs to load it fast.

- `/_next/static/…` names carry a content hash, so a name always means the same bytes:
  browsers keep them a year and never ask again (`immutable`). Everything else (HTML,
  route payloads, favicon) is revalidated on each use (`no-cache` + ETag → a 304), so a
  new deployment shows at the next navigation.
- The build writes a gzip copy next to each text asset (`scripts/build-frontend.sh`);
  a client that accepts gzip gets those bytes as they are, with no compression work per
  request (the JavaScript of the overview is ~3× smaller that way).
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Scope

HASHED_PREFIX = "_next/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


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
            return NotModifiedResponse(response.headers)
        return response
