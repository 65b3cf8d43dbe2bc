"""SLB (CLB) 2014-05-15: the errors its emulated actions answer, each as (HTTP status, code, message).

The collection's modules match these codes (`is_code`); emulator/tests/test_error_contract.py checks that.
"""

from ..errors import ErrorCode

BACKEND_SERVER_SERVER_ID_EMPTY = ErrorCode(
    400, "BackendServer.ServerIdEmpty", "The specified ServerId can not be empty."
)
FORBIDDEN = ErrorCode(403, "Forbidden", "User not authorized to operate on the specified resource.")
ILLEGAL_PARAM_INSTANCE_CHARGE_TYPE = ErrorCode(
    400, "IllegalParam.InstanceChargeType", "The parameter InstanceChargeType is illegal."
)
ILLEGAL_PARAM_LISTENER_PROTOCOL = ErrorCode(
    400, "IllegalParam.ListenerProtocol", "The param of ListenerProtocol is illegal."
)
ILLEGAL_PARAM_MAX_RESULTS = ErrorCode(400, "IllegalParam.MaxResults", "The param of MaxResults is illegal.")
ILLEGAL_PARAM_NEXT_TOKEN = ErrorCode(400, "IllegalParam.NextToken", "The param of NextToken is illegal.")
ILLEGAL_PARAM_SIZE_LOAD_BALANCER_ID = ErrorCode(
    400, "IllegalParamSize.LoadBalancerId", "The param size of LoadBalancerId is illegal."
)
INSTANCE_INTERNET_CHARGE_TYPE_NOT_ALLOWED = ErrorCode(
    400, "Instance.InternetChargeTypeNotAllowed", "Illegal parameter. The specified InternetChargeType not allowed."
)
INVALID_BACKEND_SERVERS_INCONSISTENT = ErrorCode(
    400,
    "InvalidBackendServers.Inconsistent",
    "The specified backend server {server_id} is not in the VPC of the load balancer.",
)
INVALID_PARAMETER_ADDRESS_NOT_IN_SUBNET = ErrorCode(
    400, "InvalidParameter", "Illegal parameter. The IP address is not in subnet."
)
INVALID_PARAMETER_BACKEND_SERVERS = ErrorCode(
    400, "InvalidParameter", "The specified BackendServers is invalid. {reason}"
)
INVALID_PARAMETER_BANDWIDTH = ErrorCode(400, "InvalidParameter.Bandwidth", "The param Bandwidth is invalid.")
INVALID_PARAMETER_FORWARD_PORT = ErrorCode(
    400, "InvalidParameter", "The specified ListenerPort or ForwardPort is invalid."
)
INVALID_PARAMETER_IDLE_TIMEOUT = ErrorCode(
    400, "InvalidParameter.IdleTimeout", "The specified IdleTimeout exceeds the limit."
)
INVALID_PARAMETER_LISTENER_PORT_CONFLICT = ErrorCode(
    400, "InvalidParameter.ListenerPortConflict", "There is conflict listener port exists."
)
INVALID_PARAMETER_LOAD_BALANCER_NAME = ErrorCode(
    400,
    "InvalidParameter",
    'The specified parameter "LoadBalancerName" is not valid: {value!r}. It must be 1 to 80 characters long.',
)
INVALID_PARAMETER_REQUEST_TIMEOUT = ErrorCode(
    400, "InvalidParameter.RequestTimeout", "The specified RequestTimeout exceeds the limit."
)
INVALID_PARAM_MODIFICATION_PROTECTION_REASON = ErrorCode(
    400, "InvalidParam.ModificationProtectionReason", "The param ModificationProtectionReason is invalid."
)
INVALID_PARAM_MODIFICATION_PROTECTION_STATUS = ErrorCode(
    400, "InvalidParam.ModificationProtectionStatus", "The param ModificationProtectionStatus is invalid."
)
INVALID_TAG = ErrorCode(400, "InvalidTag", "The specified tags is invalid.")
INVALID_VPC_ID_NOT_EXIST = ErrorCode(400, "InvalidVpcId.NotExist", "The specified VPC not exist.")
INVALID_VSWITCH_ID_NOT_FOUND = ErrorCode(400, "InvalidVSwitchId.NotFound", "The specified vSwitch instance is invalid.")
INVALID_WEIGHT_MALFORMED = ErrorCode(400, "InvalidWeight.Malformed", "The specified Weight is invalid.")
LB_NOT_FOUND = ErrorCode(404, "InvalidLoadBalancerId.NotFound", "The specified LoadBalancerId does not exist.")
LISTENER_NOT_FOUND = ErrorCode(400, "InvalidParameter", "The specified resource does not exist.")
LISTENER_NOT_FOUND_ON_DELETE = ErrorCode(404, "ResourceNotFound.Listener", "The specified listener is not found.")
MISSING_PARAM_BACKEND_SERVER_PORT = ErrorCode(
    400, "MissingParam.BackendServerPort", "The param BackendServerPort is required."
)
MISSING_PARAM_COOKIE = ErrorCode(400, "MissingParam.Cookie", "The param Cookie is required.")
MISSING_PARAM_COOKIE_TIMEOUT = ErrorCode(400, "MissingParam.CookieTimeout", "The param CookieTimeout is required.")
MISSING_PARAM_LOAD_BALANCER_SPEC = ErrorCode(
    400, "MissingParam.LoadBalancerSpec", "The param LoadBalancerSpec is required."
)
MISSING_PARAM_STICKY_SESSION_TYPE = ErrorCode(
    400, "MissingParam.StickySessionType", "The param StickySessionType is required."
)
MISSING_PARAM_VSWITCH_ID = ErrorCode(400, "MissingParam.VSwitchId", "The parameter VSwitchId is required.")
OBTAIN_IP_FAIL = ErrorCode(
    400,
    "ObtainIpFail",
    "The specified BackendServers is invalid; some of the specified backend servers do not exist or are not running.",
)
OPERATION_DENIED_DELETE_PROTECTION_IS_ON = ErrorCode(
    400,
    "OperationDenied.DeleteProtectionIsOn",
    "The loadbalancer can not be deleted due to DeleteProtection is enabled.",
)
REGION_OR_ZONES_NOT_SUPPORT_IPV6 = ErrorCode(
    400, "RegionOrZonesNotSupportIpv6", "The specified region or master/slave zones does not support ipv6."
)
RESOURCE_NOT_EXIST = ErrorCode(400, "ResourceNotExist", "The resource {resource_id} does not exist.")
TOO_MANY_BACKEND_SERVERS = ErrorCode(
    400, "TooManyBackendServers", "The number of backend servers exceeds the limit of 20."
)
VSWITCH_AVAILABLE_IP_NOT_EXIST = ErrorCode(
    400, "VSwitchAvailableIpNotExist", "The specified VSwitch has no availabe ip."
)
CERTIFICATE_AND_PRIVATE_KEY_IS_REFERED = ErrorCode(
    400,
    "CertificateAndPrivateKeyIsRefered",
    "The specified certificate is bound to listeners. You cannot delete it.",
)
CERTIFICATE_NOT_MATCH_PRIVATE_KEY = ErrorCode(
    400, "CertificateNotMatchPrivateKey", "Certificate and key does not match."
)
INVALID_PARAMETER_CERTIFICATE_EMPTY = ErrorCode(
    400, "InvalidParameter", "The specified parameter ServerCertificate or Key is empty."
)
INVALID_PARAMETER_CERTIFICATE_FORMAT = ErrorCode(
    400, "InvalidParameter", "The specified parameter ServerCertificate format is error."
)
INVALID_PARAMETER_KEY_FORMAT = ErrorCode(400, "InvalidParameter", "The specified parameter key format is error.")
INVALID_PARAMETER_TLS_CIPHER_POLICY = ErrorCode(
    400, "InvalidParameter", "The specified parameter TLSCipherPolicy is not valid."
)
LISTENER_FORWARD_EXIST = ErrorCode(
    400,
    "ListenerForwardExist",
    "The specified listener is forwarded by the other listener, the ListenerForward relationship should be "
    "deleted firstly.",
)
MISSING_PARAM_SERVER_CERTIFICATE_ID = ErrorCode(
    400, "InvalidParameter", "The specified parameter ServerCertificateId is empty."
)
OPERATION_NOT_ALLOWED_FORWARDING_LISTENER = ErrorCode(
    400, "Operation.NotAllowed", "Operation Denied. The HTTP listener does not support this action."
)
PRIVATE_KEY_ENCRYPTION = ErrorCode(400, "PrivateKeyEncryption", "Key has Encrypted .")
SERVER_CERTIFICATE_ID_NOT_FOUND = ErrorCode(
    404, "ServerCertificateId.NotFound", "The specified ServerCertificateId does not exist."
)
