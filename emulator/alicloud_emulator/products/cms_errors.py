"""CMS (CloudMonitor) 2019-01-01: the errors its emulated actions answer, each as (HTTP status, code, message).

CloudMonitor's error table is short and generic (the codes of its API reference: ParameterInvalid,
ResourceNotFound, AccessForbidden); the message says what was wrong. The collection's modules match these
codes (`is_code`); emulator/tests/test_error_contract.py checks that.
"""

from ..errors import ErrorCode

PARAMETER_INVALID = ErrorCode(400, "ParameterInvalid", "Illegal parameters: {detail}")
RESOURCE_NOT_FOUND = ErrorCode(404, "ResourceNotFound", "The specified resource is not found: {detail}")
ACCESS_FORBIDDEN = ErrorCode(403, "AccessForbidden", "You are not authorized to operate the specified resource.")
