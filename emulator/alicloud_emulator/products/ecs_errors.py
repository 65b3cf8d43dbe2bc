"""ECS 2014-05-26: the errors its emulated actions answer, each as (HTTP status, code, message).

The collection's modules match these codes (`is_code`); emulator/tests/test_error_contract.py checks that.
"""

from ..errors import ErrorCode

AUTHORIZATION_LIMIT_EXCEED = ErrorCode(
    403, "AuthorizationLimitExceed", "The limit of authorization records in the security group reaches."
)
CHARGE_TYPE_VIOLATION = ErrorCode(
    403, "ChargeTypeViolation", "The operation is not permitted due to charge type of the instance."
)
DEPENDENCY_VIOLATION_AUTHORIZED = ErrorCode(
    403, "DependencyViolation", "The specified security group has been authorized in another one."
)
DEPENDENCY_VIOLATION_INSTANCES = ErrorCode(
    403, "DependencyViolation", "There is still instance(s) in the specified security group."
)
DRYRUN_SUCCESS = ErrorCode(400, "DRYRUN.SUCCESS", "This request is a dryrun request with successful result.")
ENTERPRISE_GROUP_LIMITED_MUTLI_GROUP_TYPE = ErrorCode(
    403, "EnterpriseGroupLimited.MutliGroupType", "The specified instance can not join multi SecurityGroup types."
)
INCORRECT_INSTANCE_STATUS = ErrorCode(
    403, "IncorrectInstanceStatus", "The current status of the resource does not support this operation."
)
INCORRECT_INSTANCE_STATUS_INITIALIZING = ErrorCode(
    403, "IncorrectInstanceStatus.Initializing", "The specified instance status does not support this operation."
)
INCORRECT_VPC_STATUS = ErrorCode(400, "IncorrectVpcStatus", "Current VPC status does not support this operation.")
INCORRECT_VSWITCH_STATUS = ErrorCode(
    400, "IncorrectVSwitchStatus", "The current status of virtual switch does not support this operation."
)
INSTANCE_DISK_NUMBER_LIMIT_EXCEED = ErrorCode(
    400, "InstanceDiskNumber.LimitExceed", "The total number of specified disk in an instance exceeds."
)
INVALID_ACCEPT_LANGUAGE_NOT_FOUND = ErrorCode(
    404, "InvalidAcceptLanguage.NotFound", "Only Chinese (zh-CN), English (en-US), and Japanese (ja) are allowed."
)
INVALID_CHARGE_TYPE_VALUE_NOT_SUPPORTED = ErrorCode(
    403,
    "InvalidChargeType.ValueNotSupported",
    "Deletion protection is only valid for postPaid instance, not for prePaid or spot instance.",
)
INVALID_DATA_DISK_CATEGORY_VALUE_NOT_SUPPORTED = ErrorCode(
    400, "InvalidDataDiskCategory.ValueNotSupported", 'The specified parameter "DataDisk.n.Category" is not valid.'
)
INVALID_DATA_DISK_SIZE_VALUE_NOT_SUPPORTED = ErrorCode(
    400,
    "InvalidDataDiskSize.ValueNotSupported",
    (
        "The specified DataDisk.n.Size beyond the permitted range, or the capacity of snapshot exceeds the "
        "size limit of the specified disk category."
    ),
)
INVALID_DESCRIPTION_MALFORMED = ErrorCode(
    400, "InvalidDescription.Malformed", 'The specified parameter "Description" is not valid.'
)
INVALID_DEST_CIDR_IP_MALFORMED = ErrorCode(
    400, "InvalidDestCidrIp.Malformed", "The specified parameter DestCidrIp is not valid."
)
INVALID_DEST_GROUP_ID_MISMATCH = ErrorCode(
    400, "InvalidDestGroupId.Mismatch", "Specified security group and destination group are not in the same VPC."
)
INVALID_DEST_GROUP_ID_NOT_FOUND = ErrorCode(
    404, "InvalidDestGroupId.NotFound", "The DestGroupId provided does not exist in our records."
)
INVALID_GROUP_AUTH_PARAMETER_OPERATION_DENIED = ErrorCode(
    400,
    "InvalidGroupAuthParameter.OperationDenied",
    "The security group can not authorize to enterprise level security group.",
)
INVALID_GROUP_PARAMETER_OPERATION_DENIED = ErrorCode(
    400,
    "InvalidGroupParameter.OperationDenied",
    (
        "The attributes Policy, SourceGroupId, DestGroupId of enterprise level security groups are not "
        "allowed to be set or modified."
    ),
)
INVALID_HOST_NAME_MALFORMED = ErrorCode(
    400, "InvalidHostName.Malformed", 'The specified parameter "HostName" is not valid.'
)
INVALID_HTTP_ENDPOINT_NOT_SUPPORTED = ErrorCode(
    400,
    "InvalidHttpEndpoint.NotSupported",
    "The specified HttpEndpoint not supported, you can use enabled(default) or disabled.",
)
INVALID_HTTP_TOKENS_NOT_SUPPORTED = ErrorCode(
    400,
    "InvalidHttpTokens.NotSupported",
    "The specified HttpTokens not supported, you can use optional(default) or required.",
)
INVALID_IMAGE_ID_NOT_FOUND = ErrorCode(404, "InvalidImageId.NotFound", "The specified ImageId does not exist.")
INVALID_IMAGE_OWNER_ALIAS_VALUE_NOT_SUPPORTED = ErrorCode(
    400, "InvalidImageOwnerAlias.ValueNotSupported", "The specified ImageOwnerAlias value is not supported."
)
INVALID_INSTANCE_CHARGE_TYPE = ErrorCode(
    403, "Invalid.InstanceChargeType", "The specified instanceChargeType is not valid."
)
INVALID_INSTANCE_CHARGE_TYPE_NOT_FOUND = ErrorCode(
    404, "InvalidInstanceChargeType.NotFound", "The InstanceChargeType does not exist in our records."
)
INVALID_INSTANCE_CHARGE_TYPE_NOT_FOUND_IN_QUERY = ErrorCode(
    404, "InvalidInstanceChargeType.NotFound", "The InstanceChargeType does not exist in our records"
)
INVALID_INSTANCE_IDS_NOT_FOUND = ErrorCode(
    404, "InvalidInstanceIds.NotFound", "The specified InstanceIds does not exist."
)
INVALID_INSTANCE_ID_NOT_FOUND = ErrorCode(404, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.")
INVALID_INSTANCE_NAME_CUSTOM_MALFORMED = ErrorCode(
    400,
    "InvalidInstanceName.CustomMalformed",
    "Customized section of instance or host name is invalid, please use valid format: [], [,], [m,], [,n], [m,n].",
)
INVALID_INSTANCE_NAME_MALFORMED = ErrorCode(
    400, "InvalidInstanceName.Malformed", 'The specified parameter "InstanceName" is not valid.'
)
INVALID_INSTANCE_TYPE_BEYOND_RANGE = ErrorCode(
    400, "InvalidInstanceType.ValueNotSupported", "The specified InstanceType beyond the permitted range."
)
INVALID_INSTANCE_TYPE_VALUE_NOT_SUPPORTED = ErrorCode(
    400,
    "InvalidInstanceType.ValueNotSupported",
    "The specified InstanceType does not exist or beyond the permitted range.",
)
INVALID_INTERNET_CHARGE_TYPE_VALUE_NOT_SUPPORTED = ErrorCode(
    400, "InvalidInternetChargeType.ValueNotSupported", "The specified InternetChargeType is not valid."
)
INVALID_INTERNET_MAX_BANDWIDTH_OUT_MALFORMED = ErrorCode(
    400, "InvalidInternetMaxBandwidthOut.Malformed", "The specified parameter internetMaxBandwidthOut is not valid."
)
INVALID_IP_PROTOCOL_VALUE_NOT_SUPPORTED = ErrorCode(
    400,
    "InvalidIpProtocol.ValueNotSupported",
    "The parameter IpProtocol must be specified with case insensitive TCP, UDP, ICMP, GRE or All.",
)
INVALID_KEY_PAIR_NAMES_VALUE_NOT_SUPPORTED = ErrorCode(
    400, "InvalidKeyPairNames.ValueNotSupported", 'The specified parameter "KeyPairNames" is not valid.'
)
INVALID_KEY_PAIR_NAME_MALFORMED = ErrorCode(
    400, "InvalidKeyPairName.Malformed", "Specified key pair name is not valid."
)
INVALID_KEY_PAIR_NAME_NOT_FOUND = ErrorCode(
    404, "InvalidKeyPairName.NotFound", "The specified parameter KeyPairName does not exist in our records."
)
INVALID_MIN_AMOUNT_MALFORMED = ErrorCode(
    400, "InvalidMinAmount.Malformed", "The specified parameter MinAmount is not valid."
)
INVALID_NIC_TYPE_VALUE_NOT_SUPPORTED = ErrorCode(
    400, "InvalidNicType.ValueNotSupported", "The specified NicType does not exist."
)
INVALID_OPERATION_DELETION_PROTECTION = ErrorCode(
    403, "InvalidOperation.DeletionProtection", "The operation is not allowed due to deletion protection."
)
INVALID_OS_TYPE = ErrorCode(404, "InvalidOSType", "The specified OSType is not valid.")
INVALID_PARAMETER_KEYPAIR_ALREADY_ATTACHED_INSTANCE = ErrorCode(
    400,
    "InvalidParameter.KeypairAlreadyAttachedInstance",
    'The specified parameter "KeyPairNames" attached to instances can not be deleted.',
)
INVALID_PARAMETER_MISMATCH = ErrorCode(
    400, "InvalidParameter.Mismatch", "Specified security group and virtual switch are not in the same VPC."
)
INVALID_PARAMETER_SECURITY_GROUP_ID_REPEATED = ErrorCode(
    400, "InvalidParameter.SecurityGroupIdRepeated", "The specified security group ids repeated."
)
INVALID_PARAMETER_SECURITY_GROUP_ID_REPEATED_ON_MODIFY = ErrorCode(
    404, "InvalidParameter.SecurityGroupIdRepeated", "The specified security group ids has repeated."
)
INVALID_PARAMETER_SECURITY_GROUP_TYPE = ErrorCode(
    400, "InvalidParameter.SecurityGroupType", "The specified SecurityGroupType is not valid."
)
INVALID_PARAMETER_TOO_MANY_INSTANCE_IDS = ErrorCode(
    403, "InvalidParameter.TooManyInstanceIds", "Instance ids cannot be more than 100."
)
INVALID_PARAMS_GROUP_TYPE = ErrorCode(400, "InvalidParams.GroupType", "The specified security group type is not valid.")
INVALID_PARAMS_HOSTNAME_EXCEED = ErrorCode(
    403, "InvalidParams.HostnameExceed", "The uniqueSuffix takes three naming places, please shorten your Hostname."
)
INVALID_PARAMS_INSTANCE_NAME_EXCEED = ErrorCode(
    403,
    "InvalidParams.InstanceNameExceed",
    "The uniqueSuffix takes three naming places, please shorten your InstanceName.",
)
INVALID_PARAMTER_CONFLICT = ErrorCode(
    403, "InvalidParamter.Conflict", "The specified SecurityGroupId should be different from the {name}."
)
INVALID_PARAM_DUPLICATE_PERMISSIONS = ErrorCode(
    400, "InvalidParam.DuplicatePermissions", "There are duplicate permissions in the specified parameter Permissions."
)
INVALID_PARAM_IPV6_DEST_CIDR_IP = ErrorCode(
    400, "InvalidParam.Ipv6DestCidrIp", "The specified parameter Ipv6DestCidrIp is not valid."
)
INVALID_PARAM_IPV6_SOURCE_CIDR_IP = ErrorCode(
    400, "InvalidParam.Ipv6SourceCidrIp", "The specified parameter Ipv6SourceCidrIp is not valid."
)
INVALID_PARAM_PERMISSIONS = ErrorCode(
    400, "InvalidParam.Permissions", "The specified parameter Permissions cannot coexist with other parameters."
)
INVALID_PARAM_PORT_RANGE = ErrorCode(
    400,
    "InvalidParam.PortRange",
    "The specified parameter {name} is not valid. It should be two integers less than 65535 in ?/? format.",
)
INVALID_PARAM_SECURITY_GROUP_RULE_ID_REPEATED = ErrorCode(
    400, "InvalidParam.SecurityGroupRuleIdRepeated", "The specified parameter SecurityGroupRuleId is repeated."
)
INVALID_PASSWORD_MALFORMED = ErrorCode(
    400, "InvalidPassword.Malformed", 'The specified parameter "Password" is not valid.'
)
INVALID_PASSWORD_PARAM_MISMATCH = ErrorCode(
    400, "InvalidPasswordParam.Mismatch", "The input password should be null when passwdInherit is true."
)
INVALID_PERIOD = ErrorCode(400, "InvalidPeriod", "The specified period is not valid.")
INVALID_POLICY_MALFORMED = ErrorCode(400, "InvalidPolicy.Malformed", "The specified parameter Policy is not valid.")
INVALID_PORT_RANGE_MALFORMED = ErrorCode(
    400, "InvalidPortRange.Malformed", "The specified parameter PortRange must set."
)
INVALID_PRIORITY_MALFORMED = ErrorCode(400, "InvalidPriority.Malformed", "The parameter Priority is invalid.")
INVALID_PRIORITY_VALUE_NOT_SUPPORTED = ErrorCode(
    400, "InvalidPriority.ValueNotSupported", "The specified parameter Priority {given} is invalid."
)
INVALID_PRIVATE_IP_ADDRESS = ErrorCode(
    400, "InvalidPrivateIpAddress", "Specified private IP address is not in the CIDR block of virtual switch."
)
INVALID_PRIVATE_IP_ADDRESS_DUPLICATED = ErrorCode(
    400, "InvalidPrivateIpAddress.Duplicated", "The specified private IP address is already in use."
)
INVALID_PRIVATE_IP_ADDRESS_MALFORMED = ErrorCode(
    400, "InvalidPrivateIpAddress.Malformed", "Specified private IP address is malformed."
)
INVALID_PUBLIC_KEY_BODY_MALFORMED = ErrorCode(
    400, "InvalidPublicKeyBody.Malformed", "The PublicKeyBody format is not supported."
)
INVALID_RESOURCE_ID_NOT_FOUND = ErrorCode(
    404, "InvalidResourceId.NotFound", "The specified ResourceIds are not found in our records."
)
INVALID_RESOURCE_TYPE_NOT_FOUND = ErrorCode(
    404, "InvalidResourceType.NotFound", "The ResourceType provided does not exist in our records."
)
INVALID_SECURITY_GROUP_DISCRIPTION_MALFORMED = ErrorCode(
    400,
    "InvalidSecurityGroupDiscription.Malformed",
    "The specified security group rule description parameter Description is not valid.",
)
INVALID_SECURITY_GROUP_ID_NOT_FOUND = ErrorCode(
    404, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist."
)
INVALID_SECURITY_GROUP_ID_NOT_FOUND_IN_RECORDS = ErrorCode(
    404, "InvalidSecurityGroupId.NotFound", "The SecurityGroupId provided does not exist in our records."
)
INVALID_SECURITY_GROUP_ID_SINGLE_ID_AND_MULTI_ID_CONFLICT = ErrorCode(
    400,
    "InvalidSecurityGroupId.SingleIdAndMultiIdConflict",
    "The parameters SecurityGroupId and SecurityGroupIds.N cannot be specified at the same time.",
)
INVALID_SECURITY_GROUP_NAME_MALFORMED = ErrorCode(
    400, "InvalidSecurityGroupName.Malformed", "Specified security group name is not valid."
)
INVALID_SECURITY_GROUP_RULE_ID_NOT_FOUND = ErrorCode(
    404, "InvalidSecurityGroupRuleId.NotFound", "The specified SecurityGroupRuleId is not exists."
)
INVALID_SECURITY_GROUP_VPC_NOT_BELONG_TO_ONE_VPC = ErrorCode(
    404, "InvalidSecurityGroupVpc.NotBelongToOneVpc", "The specified SecurityGroupIds are belong to different vpc."
)
INVALID_SOURCE_CIDR_IP_MALFORMED = ErrorCode(
    400, "InvalidSourceCidrIp.Malformed", "The specified parameter SourceCidrIp is not valid."
)
INVALID_SOURCE_GROUP_ID_MISMATCH = ErrorCode(
    400, "InvalidSourceGroupId.Mismatch", "Specified security group and source group are not in the same VPC."
)
INVALID_SOURCE_GROUP_ID_NOT_FOUND = ErrorCode(
    404, "InvalidSourceGroupId.NotFound", "The SourceGroupId provided does not exist in our records."
)
INVALID_SPOT_INTERRUPTION_BEHAVIOR = ErrorCode(
    400, "InvalidSpotInterruptionBehavior", "The specified SpotInterruptionBehavior is not valid."
)
INVALID_SPOT_PREPAID = ErrorCode(400, "InvalidSpotPrepaid", "The specified Spot type is not support PrePay Instance.")
INVALID_SPOT_PRICE_LIMIT = ErrorCode(400, "InvalidSpotPriceLimit", "The specified SpotPriceLimitis not valid.")
INVALID_SPOT_STRATEGY = ErrorCode(400, "InvalidSpotStrategy", "The specified SpotStrategy is not valid.")
INVALID_STATUS_NOT_FOUND = ErrorCode(404, "InvalidStatus.NotFound", "The specified Status is not found.")
INVALID_SYSTEM_DISK_CATEGORY_VALUE_NOT_SUPPORTED = ErrorCode(
    400, "InvalidSystemDiskCategory.ValueNotSupported", 'The specified parameter "SystemDisk.Category" is not valid.'
)
INVALID_SYSTEM_DISK_SIZE_LESS_THAN_IMAGE_SIZE = ErrorCode(
    404,
    "InvalidSystemDiskSize.LessThanImageSize",
    "The specified parameter SystemDisk.Size is less than the image size.",
)
INVALID_SYSTEM_DISK_SIZE_LESS_THAN_MIN_SIZE = ErrorCode(
    404, "InvalidSystemDiskSize.LessThanMinSize", "The specified parameter SystemDisk.Size is less than the min size."
)
INVALID_SYSTEM_DISK_SIZE_MORE_THAN_MAX_SIZE = ErrorCode(
    404, "InvalidSystemDiskSize.MoreThanMaxSize", "The specified parameter SystemDisk.Size is more than the max size."
)
INVALID_SYSTEM_DISK_SIZE_VALUE_NOT_SUPPORTED = ErrorCode(
    400, "InvalidSystemDiskSize.ValueNotSupported", "The size is not valid."
)
INVALID_USER_DATA_BASE64_FORMAT_INVALID = ErrorCode(
    400, "InvalidUserData.Base64FormatInvalid", "The specified UserData is not valid."
)
INVALID_USER_DATA_BASE64_FORMAT_INVALID_ON_MODIFY = ErrorCode(
    403, "InvalidUserData.Base64FormatInvalid", "The specified UserData is not valid."
)
INVALID_USER_DATA_SIZE_EXCEEDED = ErrorCode(
    400, "InvalidUserData.SizeExceeded", 'The specified parameter "UserData" exceeds the size.'
)
INVALID_VPC_ID_NOT_FOUND = ErrorCode(404, "InvalidVpcId.NotFound", "Specified VPC does not exist.")
INVALID_VPC_ID_NOT_FOUND_EMPTY = ErrorCode(
    403, "InvalidVpcId.NotFound", "The VpcId must not empty when only support vpc vm."
)
INVALID_VSWITCH_ID_NOT_FOUND = ErrorCode(404, "InvalidVSwitchId.NotFound", "Specified virtual switch does not exist.")
INVALID_VSWITCH_ID_NOT_FOUND_IN_ZONE = ErrorCode(
    404, "InvalidVSwitchId.NotFound", "Specified virtual switch does not exist in the zone."
)
INVALID_ZONE_ID_NOT_FOUND = ErrorCode(
    404, "InvalidZoneId.NotFound", "The ZoneId provided does not exist in our records."
)
JOINED_GROUP_LIMIT_EXCEED = ErrorCode(
    400, "JoinedGroupLimitExceed", "An instance can join at most {limit} security groups."
)
KEY_PAIR_ALREADY_EXIST = ErrorCode(409, "KeyPair.AlreadyExist", "The key pair already exist.")
MISSING_PARAMETER_DEST = ErrorCode(
    400,
    "MissingParameter.Dest",
    (
        "One of the parameters DestCidrIp, Ipv6DestCidrIp, DestGroupId or DestPrefixListId in Permissions "
        "must be specified."
    ),
)
MISSING_PARAMETER_IP_PROTOCOL = ErrorCode(
    400, "MissingParameter", 'The input parameter "IpProtocol" that is mandatory is not supplied.'
)
MISSING_PARAMETER_SECURITY_GROUP_ID = ErrorCode(
    400,
    "MissingParameter",
    'The input parameter "SecurityGroupId" that is mandatory for processing this request is not supplied.',
)
MISSING_PARAMETER_SOURCE = ErrorCode(
    400,
    "MissingParameter.Source",
    (
        "One of the parameters SourceCidrIp, Ipv6SourceCidrIp, SourceGroupId or SourcePrefixListId in "
        "Permissions must be specified."
    ),
)
MISSING_PARAMETER_VSWITCH_ID = ErrorCode(
    400,
    "MissingParameter",
    'The input parameter "VSwitchId" that is mandatory for processing this request is not supplied.',
)
MISSING_PARAMTER = ErrorCode(400, "MissingParamter", 'The specified parameter "Period" is not null.')
OPERATION_DENIED = ErrorCode(
    400, "OperationDenied", "The specified IpProtocol does not exist or IpProtocol and PortRange do not match."
)
QUOTA_EXCEEDED_PRIVATE_IP_ADDRESS = ErrorCode(
    400, "QuotaExceeded.PrivateIpAddress", "Don't have enough private IPs in this switch."
)
