"""Renders a whole page, or only its named block for htmx, from one template."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from summit.web.htmx import is_fragment_request


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status_code: int = 200,
) -> Response:
    """The route names the block; the client only says whether it is htmx."""
    templates = request.app.state.templates
    headers = {"vary": "HX-Request, Cookie"}
    if block is not None and is_fragment_request(request):
        response: Response = templates.TemplateResponse(
            request, template, context, status_code=status_code, headers=headers, block_name=block
        )
    else:
        response = templates.TemplateResponse(
            request, template, context, status_code=status_code, headers=headers
        )
    return response
