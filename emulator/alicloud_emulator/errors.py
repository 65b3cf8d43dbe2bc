"""API errors shaped as the real Alibaba Cloud gateway shapes them."""

from dataclasses import dataclass


class ApiError(Exception):
    """An error answered to the client: HTTP status, error code and message."""

    def __init__(self, status, code, message):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ErrorCode:
    """One entry of a product's error table (`products/<product>_errors.py`): calling it makes the ApiError to raise.

    A message may hold `{placeholders}`, filled from the call's keyword arguments.
    """

    status: int
    code: str
    message: str

    def __call__(self, **values):
        return ApiError(self.status, self.code, self.message.format(**values) if values else self.message)


def not_found(code, message):
    return ApiError(404, code, message)


def invalid(code, message):
    return ApiError(400, code, message)


def forbidden(code, message):
    return ApiError(403, code, message)


def missing(name):
    """The gateway's answer to a required parameter that was not sent."""
    return ApiError(400, f"Missing{name}", f"{name} is mandatory for this action.")


def invalid_parameter(name, value, reason=""):
    suffix = f" {reason}" if reason else ""
    return ApiError(400, "InvalidParameter", f'The specified parameter "{name}" is not valid: {value!r}.{suffix}')


IDEMPOTENT_MISMATCH = ApiError(
    400, "IdempotentParameterMismatch", "The same client token was passed in to different parameters."
)
THROTTLED = ApiError(400, "Throttling.User", "Request was denied due to user flow control.")
SERVICE_UNAVAILABLE = ApiError(
    503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."
)
INTERNAL_ERROR = ApiError(
    500, "InternalError", "The request processing has failed due to some unknown error, exception or failure."
)
