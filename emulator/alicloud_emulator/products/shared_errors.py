"""Errors that several products answer alike: DryRun, and the tag actions and limits.

The collection's modules match these codes (`is_code`); emulator/tests/test_error_contract.py checks that.
"""

from ..errors import ErrorCode

DRY_RUN_OPERATION = ErrorCode(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.")
INVALID_TAG_COUNT = ErrorCode(400, "InvalidTagCount", "A resource can have at most 20 tags.")
MISSING_PARAMETER = ErrorCode(400, "MissingParameter", "Either ResourceId or Tag must be specified.")
MISSING_RESOURCE_ID = ErrorCode(400, "MissingResourceId", "ResourceId is mandatory for this action.")
MISSING_TAG = ErrorCode(400, "MissingTag", "Tag is mandatory for this action.")
