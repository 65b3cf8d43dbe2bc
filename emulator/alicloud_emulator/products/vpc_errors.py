"""VPC 2016-04-28: the errors its emulated actions answer, each as (HTTP status, code, message).

The collection's modules match these codes (`is_code`); emulator/tests/test_error_contract.py checks that.
"""

from ..errors import ErrorCode

DEPENDENCY_VIOLATION = ErrorCode(400, "DependencyViolation", "Resources deployed in the vSwitch have not been deleted.")
DEPENDENCY_VIOLATION_SECURITY_GROUP = ErrorCode(
    400, "DependencyViolation.SecurityGroup", "Specified object has dependent resources SecurityGroup."
)
DEPENDENCY_VIOLATION_VSWITCH = ErrorCode(400, "DependencyViolation.VSwitch", "Specified object has dependent resources")
FORBIDDEN = ErrorCode(403, "Forbidden", "User not authorized to operate on the specified resource.")
INCORRECT_VPC_STATUS = ErrorCode(400, "IncorrectVpcStatus", "Current VPC status does not support this operation.")
INCORRECT_VSWITCH_STATUS = ErrorCode(400, "IncorrectVSwitchStatus", "vpc subnet is in middle status.")
# CreateVSwitch while another vSwitch of the VPC is still Pending (the cloud creates them one at a time).
INCORRECT_VSWITCH_STATUS_SIMULTANEOUS = ErrorCode(
    400, "IncorrectVSwitchStatus", "VSwitch Creation simultaneously is not supported."
)
INVALID_CIDR_BLOCK_OVERLAPPED = ErrorCode(
    400, "InvalidCidrBlock.Overlapped", "Specified CIDR block overlapped with other subnets."
)
INVALID_CIRDR_BLOCK_MASK_LENGTH = ErrorCode(
    400, "InvalidCirdrBlock.MaskLength", "The mask length of the CIDR block must be 16 to 29."
)
INVALID_DESCRIPTION_MALFORMED = ErrorCode(
    400, "InvalidDescription.Malformed", "The specified Description is not valid."
)
INVALID_INSTANCE_IDS_NOT_FOUND = ErrorCode(400, "InvalidInstanceIds.NotFound", "The instanceIds are not found")
INVALID_PARAMETER_CIDR_BLOCK = ErrorCode(400, "InvalidParameter", "Specified CIDR block is not valid")
INVALID_PARAMETER_CIDR_BLOCK_NOT_IN_VPC = ErrorCode(
    400, "InvalidParameter", "Specified CIDR block is not valid in VPC."
)
INVALID_VPC_ID_NOT_FOUND = ErrorCode(404, "InvalidVpcId.NotFound", "Specified VPC does not exist.")
INVALID_VPC_NAME_MALFORMED = ErrorCode(400, "InvalidVpcName.Malformed", "The specified VpcName is not valid.")
INVALID_VSWITCH_ID_NOT_FOUND = ErrorCode(404, "InvalidVSwitchId.NotFound", "VSwitch not exist.")
INVALID_VSWITCH_NAME_MALFORMED = ErrorCode(
    400, "InvalidVSwitchName.Malformed", "The specified VSwitchName is not valid."
)
INVALID_ZONE_ID_NOT_FOUND = ErrorCode(404, "InvalidZoneId.NotFound", "Specified zone does not exist.")
MISSING_PARAMETER = ErrorCode(400, "MissingParameter", "Either RegionId or VpcId must be specified.")
