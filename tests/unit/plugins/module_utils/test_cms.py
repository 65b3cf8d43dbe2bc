"""module_utils/cms.py: CloudMonitor's answer with Success false is an error, its paging, its deletes."""

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils import cms
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError


class FakeModule:
    """Answers module.call from a list of bodies (or errors to raise), keeping the requests."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []

    def call(self, product, action, params):
        self.sent.append((product, action, params))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_success_false_in_a_200_answer_is_raised_with_the_body_code():
    module = FakeModule({"Success": False, "Code": 206, "Message": "contact group missing", "RequestId": "r-1"})
    with pytest.raises(AlicloudApiError) as raised:
        cms.call(module, "PutResourceMetricRule", {"RuleId": "x"})
    assert (raised.value.code, raised.value.message, raised.value.request_id) == ("206", "contact group missing", "r-1")
    assert raised.value.action == "PutResourceMetricRule"


def test_success_true_returns_the_body():
    body = {"Success": True, "Code": "200"}
    assert cms.call(FakeModule(body), "DeleteMetricRules", {"Id": ["x"]}) is body


def test_pages_reads_until_a_short_page_with_the_products_page_name():
    full = {"Success": True, "Alarms": {"Alarm": [{"RuleId": str(n)} for n in range(cms.PAGE_SIZE)]}}
    last = {"Success": True, "Alarms": {"Alarm": [{"RuleId": "last"}]}}
    module = FakeModule(full, last)
    found = cms.pages(module, "DescribeMetricRuleList", {"Namespace": "acs"}, ("Alarms", "Alarm"), number_name="Page")
    assert len(found) == cms.PAGE_SIZE + 1
    assert [params["Page"] for _product, _action, params in module.sent] == [1, 2]
    assert all(
        params["Namespace"] == "acs" and params["PageSize"] == cms.PAGE_SIZE
        for _product, _action, params in module.sent
    )


def test_delete_found_takes_resource_not_found_as_done_and_raises_the_rest():
    gone = AlicloudApiError("ResourceNotFound", "gone", status=404)
    assert cms.delete_found(FakeModule(gone), "DeleteEventRules", {"RuleNames": ["x"]}) is True
    with pytest.raises(AlicloudApiError):
        cms.delete_found(FakeModule(AlicloudApiError("AccessForbidden", "no", status=403)), "DeleteEventRules", {})


def test_rule_resources_reads_the_json_text():
    assert cms.rule_resources({"Resources": '[{"instanceId": "lb-1"}, {"instanceId": "lb-2"}]'}) == ["lb-1", "lb-2"]
    assert cms.rule_resources({"Resources": "not json"}) == []
