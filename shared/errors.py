"""Errors as values: each has an HTTP status, a short type slug and a message a user can act on.

Domain code raises these; the HTTP layer turns them into problem+json
(see shared/http/problems.py). Nothing here imports Flask.
"""


class BapasError(Exception):
    status = 500
    slug = "internal-error"
    title = "Internal error"

    def __init__(self, detail: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class Unauthorized(BapasError):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str):
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="bapas"'})


class Forbidden(BapasError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(BapasError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(BapasError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class PreconditionFailed(BapasError):
    status, slug, title = 412, "precondition-failed", "Stale version"


class Invalid(BapasError):
    """422 naming the fields at fault: errors = {field: [message, ...]}."""

    status, slug, title = 422, "validation-error", "Invalid fields"

    def __init__(self, errors: dict, detail: str | None = None):
        fields = ", ".join(sorted(errors))
        super().__init__(detail or f"Invalid value for: {fields}", errors=errors)


class Unavailable(BapasError):
    status, slug, title = 503, "unavailable", "Dependency unavailable"

    def __init__(self, detail: str, retry_after: int = 2):
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
