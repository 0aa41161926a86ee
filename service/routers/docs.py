"""GET /docs: the API documentation (Swagger UI) from files shipped with Praxis, so it works offline.

FastAPI's default page loads Swagger UI's script and stylesheet from a CDN, which leaves
`/docs` blank without a network. The same files (npm `swagger-ui-dist`, Apache-2.0, see
static/swagger-ui.LICENSE.txt) are served from /static instead.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

DOCS_PATH = "/docs"
OAUTH2_REDIRECT_PATH = "/docs/oauth2-redirect"


@router.get(DOCS_PATH)
def swagger_ui(request: Request) -> HTMLResponse:
    app = request.app
    return get_swagger_ui_html(
        openapi_url=app.openapi_url, title=f"{app.title} — API",
        swagger_js_url="/static/swagger-ui-bundle.js", swagger_css_url="/static/swagger-ui.css",
        swagger_favicon_url="/static/swagger-ui-favicon.png", oauth2_redirect_url=OAUTH2_REDIRECT_PATH,
        # the spec-validator badge would fetch validator.swagger.io: off, so the page makes no outside request
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get(OAUTH2_REDIRECT_PATH)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()
