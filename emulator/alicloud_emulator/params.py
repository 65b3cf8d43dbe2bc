"""Request parameters as the SDKs flatten them: scalars, `Name.N` lists, `Name.N.Field` objects, JSON strings."""

import json
import re

from .errors import ApiError, invalid_parameter, missing

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class Params:
    """Read-only view over the merged query and form parameters of one request."""

    def __init__(self, flat):
        self.flat = dict(flat)

    def __contains__(self, name):
        return name in self.flat and self.flat[name] != ""

    def str(self, name, default=None, required=False, choices=None):
        value = self.flat.get(name)
        if value is None or value == "":
            if required:
                raise missing(name)
            return default
        if choices is not None and value not in choices:
            raise invalid_parameter(name, value, f"Valid values: {', '.join(choices)}.")
        return value

    def int(self, name, default=None, required=False, minimum=None, maximum=None):
        value = self.str(name, required=required)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid_parameter(name, value, "It must be an integer.") from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise invalid_parameter(name, value, f"It must be between {minimum} and {maximum}.")
        return number

    def bool(self, name, default=False):
        value = self.str(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise invalid_parameter(name, value, "It must be true or false.")

    def json(self, name, default=None, required=False):
        value = self.str(name, required=required)
        if value is None:
            return default
        try:
            return json.loads(value)
        except ValueError:
            raise invalid_parameter(name, value, "It must be a JSON document.") from None

    def list(self, name):
        """Values of `Name.1`, `Name.2`... in index order (also accepts a bare `Name`)."""
        pattern = re.compile(re.escape(name) + r"\.(\d+)$")
        indexed = sorted((int(m.group(1)), v) for k, v in self.flat.items() if (m := pattern.match(k)))
        values = [v for _, v in indexed if v != ""]
        if not values and name in self:
            values = [self.flat[name]]
        return values

    def objects(self, name):
        """Dicts of `Name.N.Field` entries in index order."""
        pattern = re.compile(re.escape(name) + r"\.(\d+)\.(.+)$")
        grouped = {}
        for key, value in self.flat.items():
            match = pattern.match(key)
            if match:
                grouped.setdefault(int(match.group(1)), {})[match.group(2)] = value
        return [grouped[index] for index in sorted(grouped)]

    def object(self, name):
        """Dict of `Name.Field` entries."""
        prefix = name + "."
        return {k[len(prefix) :]: v for k, v in self.flat.items() if k.startswith(prefix)}

    def tags(self, name="Tag"):
        """Tag.N.Key / Tag.N.Value pairs as a dict (validated like the real API)."""
        tags = {}
        for entry in self.objects(name):
            key = entry.get("Key", "")
            if not key:
                raise ApiError(400, "InvalidTagKey.Malformed", "The specified Tag.n.Key is not valid.")
            if key.startswith(("aliyun", "acs:")) or len(key) > 128:
                raise ApiError(400, "InvalidTagKey.Malformed", "The specified Tag.n.Key is not valid.")
            tags[key] = entry.get("Value", "")
        if len(tags) > 20:
            raise ApiError(400, "InvalidTagCount", "The number of specified tags exceeds the limit of 20.")
        return tags

    def comma_list(self, name):
        value = self.str(name)
        return [v.strip() for v in value.split(",") if v.strip()] if value else []

    def digest(self, ignore=("ClientToken",)):
        """A stable text of the parameters, for ClientToken idempotency checks."""
        return json.dumps({k: v for k, v in sorted(self.flat.items()) if k not in ignore})
