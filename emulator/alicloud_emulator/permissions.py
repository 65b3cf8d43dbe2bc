"""What a RAM user may not do: per access key, the actions denied (`POST /_emulator/permissions`).

Actions are named as RAM names them, `<product>:<Action>` with the product prefixes `ecs`, `vpc`, `slb`, `nas`,
`cms`; `*` matches any text (`ecs:*`, `nas:Create*`, `*:Delete*`). A denied call is refused before its parameters are
read, DryRun included, with the product's own answer (`Product.permission_denied`). As documented, DescribeImages
of public or shared images (`ImageOwnerAlias` system or others) ignores RAM policies.
"""

import re
from dataclasses import dataclass, field

PREFIXES = ("ecs", "vpc", "slb", "nas", "cms")
_ACTION = re.compile(r"^(?P<prefix>[a-z*]+):(?P<action>[A-Za-z*]+)$")


def _pattern(text):
    return re.compile("^" + ".*".join(re.escape(part) for part in text.split("*")) + "$", re.IGNORECASE)


def action_problem(text):
    """Why `text` is not a RAM action this emulator knows, or None."""
    match = _ACTION.match(text) if isinstance(text, str) else None
    if match is None:
        return f"{text!r} is not <product>:<Action>"
    prefix = match["prefix"]
    if "*" not in prefix and prefix not in PREFIXES:
        return f"{text!r}: the product must be one of {', '.join(PREFIXES)} (or a pattern)"
    return None


@dataclass
class Permissions:
    denied: dict = field(default_factory=dict)  # access key id -> [action patterns as given]

    def deny(self, access_key_id, actions):
        """Replaces the key's denied actions (an empty list allows everything again); ValueError on a bad one."""
        if not isinstance(access_key_id, str) or not access_key_id:
            raise ValueError("access_key_id must be a non-empty string")
        if not isinstance(actions, list):
            raise ValueError("deny must be a list of <product>:<Action>")
        problems = [p for p in (action_problem(a) for a in actions) if p]
        if problems:
            raise ValueError("; ".join(problems))
        if actions:
            self.denied[access_key_id] = list(actions)
        else:
            self.denied.pop(access_key_id, None)

    def denies(self, access_key_id, prefix, action, params):
        """`params`: the request's flat parameters (a few requests are not subject to RAM)."""
        if prefix == "ecs" and action == "DescribeImages" and params.get("ImageOwnerAlias") in ("system", "others"):
            return False
        name = f"{prefix}:{action}"
        return any(_pattern(p).match(name) for p in self.denied.get(access_key_id, ()))

    def as_dict(self):
        return {"denied": {key: list(actions) for key, actions in self.denied.items()}}

    def reset(self):
        self.denied = {}
