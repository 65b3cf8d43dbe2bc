"""NAS 2017-06-26: the errors its emulated actions answer, each as (HTTP status, code, message).

The collection's modules match these codes (`is_code`); emulator/tests/test_error_contract.py checks that.
"""

from ..errors import ErrorCode

DRY_RUN_OPERATION = ErrorCode(400, "DryRunOperation", "The request is validated with DryRun flag set.")
INVALID_ACCESS_GROUP_ALREADY_ATTACHED = ErrorCode(
    403, "InvalidAccessGroup.AlreadyAttached", "The specified AccessGroup is still attached by some MountTarget(s)."
)
INVALID_ACCESS_GROUP_ALREADY_EXISTED = ErrorCode(
    403, "InvalidAccessGroup.AlreadyExisted", "The specified AccessGroup has been already existed."
)
INVALID_ACCESS_GROUP_NOTSUPPORTED_IPV6 = ErrorCode(
    400, "InvalidAccessGroup.NotsupportedIPv6", "The access group does not support IPv6."
)
INVALID_ACCESS_GROUP_NOT_FOUND = ErrorCode(
    404, "InvalidAccessGroup.NotFound", "The specified AccessGroup does not exist."
)
INVALID_ACCESS_RULE_NOT_FOUND = ErrorCode(404, "InvalidAccessRule.NotFound", "The specified AccessRule does not exist.")
INVALID_AZONE_NOT_FOUND = ErrorCode(404, "InvalidAZone.NotFound", "The specified AZone is not found.")
INVALID_FILE_SYSTEM_NOT_FOUND = ErrorCode(
    404, "InvalidFileSystem.NotFound", "The specified file system does not exist."
)
INVALID_MOUNT_TARGET_ALREADY_EXISTED = ErrorCode(
    403, "InvalidMountTarget.AlreadyExisted", "The specified mount target already exists."
)
INVALID_MOUNT_TARGET_NOT_FOUND = ErrorCode(
    404, "InvalidMountTarget.NotFound", "The specified mount target does not exist."
)
INVALID_PARAMETER_DESCRIPTION = ErrorCode(
    400, "InvalidParameter.Description", "The specified parameter Description is not valid."
)
INVALID_PARAMETER_PROTOCOL_TYPE = ErrorCode(
    400, "InvalidParameter.ProtocolType", "The specified ProtocolType is not valid."
)
INVALID_PARAMETER_STORAGE_TYPE = ErrorCode(
    400, "InvalidParameter.StorageType", "The specified StorageType is not valid."
)
INVALID_PARAMETER_VPC_NOT_FOUND = ErrorCode(404, "InvalidParameter.VpcNotFound", "The specified VPC does not exist.")
INVALID_PARAMETER_VSW_NOT_FOUND = ErrorCode(
    404, "InvalidParameter.VswNotFound", "The specified VSwitch does not exist."
)
INVALID_PARAM_IPV4_AND_IPV6_MUTUALLY_EXCLUSIVE = ErrorCode(
    400, "InvalidParam.IPv4AndIPv6MutuallyExclusive", "You cannot configure IPv4 and IPv6 at the same time."
)
INVALID_PARAM_MOUNT_TARGET_DOMAIN = ErrorCode(
    400, "InvalidParam.MountTargetDomain", "The specified mount target does not exist."
)
INVALID_PARAM_SOURCE_CIDR_IP = ErrorCode(400, "InvalidParam.SourceCidrIp", "IPv4 address verification failed.")
INVALID_RESOURCE_ID_NOT_FOUND = ErrorCode(400, "InvalidResourceId.NotFound", "The ResourceId does not exist.")
INVALID_SECURITY_GROUP_ID_NOT_FOUND = ErrorCode(
    404, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist."
)
INVALID_STATE = ErrorCode(
    403, "OperationDenied.InvalidState", "The operation is not permitted when the status is processing."
)
MISSING_PARAMETER_ACCESS_GROUP_NAME = ErrorCode(
    400,
    "MissingParameter.AccessGroupName",
    "You must specify AccessGroupName when you create a standard or extreme file system mount target.",
)
MISSING_PARAMETER_DURATION = ErrorCode(
    400, "MissingParameter.Duration", "Duration is mandatory when ChargeType is Subscription."
)
MISSING_PARAMETER_KMS_KEY_ID = ErrorCode(
    400,
    "MissingParameter.KmsKeyId",
    "When parameter EncryptType equals 2, the parameter KmsKeyId is mandatory for your request.",
)
MISSING_PARAMETER_VPC_ID = ErrorCode(400, "MissingParameter.VpcId", "Parameter `VpcId` is mandatory for this action.")
MISSING_PARAMETER_VSWITCH_ID = ErrorCode(
    400, "MissingParameter.VSwitchId", "Parameter `VSwitchId` is mandatory for this action."
)
NO_PERMISSION = ErrorCode(
    403,
    "NoPermission",
    "You are not authorized to do this action. Resource: acs:nas:{region}:*:* Action: {action}",
)
OPERATION_DENIED_ACCESS_GROUP_COUNTS_EXCEEDED = ErrorCode(
    403, "OperationDenied.AccessGroupCountsExceeded", "The amount of AccessGroup has reached its limits."
)
OPERATION_DENIED_ACCESS_RULE_COUNTS_EXCEEDED = ErrorCode(
    403, "OperationDenied.AccessRuleCountsExceeded", "The amount of AccessRule has reached its limits."
)
OPERATION_DENIED_DEFAULT_ACCESS_GROUP_CANNOT_DELETE = ErrorCode(
    403, "OperationDenied.DefaultAccessGroupCannotDelete", "The default AccessGroup can not be deleted."
)
OPERATION_DENIED_DEFAULT_ACCESS_GROUP_CANNOT_MODIFY = ErrorCode(
    403, "OperationDenied.DefaultAccessGroupCannotModify", "The default AccessGroup can not be modified."
)
OPERATION_DENIED_MOUNT_TARGET_EXCEED_LIMIT = ErrorCode(
    403,
    "OperationDenied.MountTargetExceedLimit",
    "The maximum number of mount target in the specified file system is exceeded.",
)
OPERATION_DENIED_MOUNT_TARGET_NOT_EMPTY = ErrorCode(
    403, "OperationDenied.MountTargetNotEmpty", "There are still MountTarget(s) on the specified FileSystem."
)
RESOURCE_OUT_OF_STOCK = ErrorCode(403, "Resource.OutOfStock", "The inventory of the specified zone is insufficient.")
