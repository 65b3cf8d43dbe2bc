# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of module input made before any API call; each returns an error message or None."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress


URL_PREFIXES = ("http://", "https://")


def starts_with_url(text):
    """Names and descriptions of Alibaba resources must not start with http:// or https://."""
    return text.startswith(URL_PREFIXES)


def name_problem(option, value, low=1, high=128):
    """A resource name: `low` to `high` characters, not starting with http(s)://."""
    if value is None or (low <= len(value) <= high and not starts_with_url(value)):
        return None
    return "%s: %r must be %d to %d characters and not start with http:// or https://" % (option, value, low, high)


def description_problem(option, value, low=0, high=256):
    """A resource description: at most `high` (at least `low`) characters, not starting with http(s)://."""
    if value is None or (low <= len(value) <= high and not starts_with_url(value)):
        return None
    length = "%d to %d" % (low, high) if low else "at most %d" % high
    return "%s: must be %s characters and not start with http:// or https://" % (option, length)


def network(option, value):
    """(ip_network, None) or (None, message) for a CIDR block given as `option`."""
    try:
        return ipaddress.ip_network(str(value), strict=True), None
    except ValueError as error:
        return None, "%s: %r is not a CIDR block (%s); write it like 192.168.0.0/16" % (option, value, error)


def cidr_problem(option, value, min_prefix=None, max_prefix=None):
    net, problem = network(option, value)
    if problem:
        return problem
    too_short = min_prefix is not None and net.prefixlen < min_prefix
    too_long = max_prefix is not None and net.prefixlen > max_prefix
    if too_short or too_long:
        return "%s: %s must have a prefix length from /%s to /%s" % (option, value, min_prefix, max_prefix)
    return None


def cidr_inside_problem(option, value, outer_option, outer_value):
    inner, problem = network(option, value)
    if problem:
        return problem
    outer, problem = network(outer_option, outer_value)
    if problem:
        return problem
    if inner.version != outer.version or not inner.subnet_of(outer):
        return "%s: %s is not inside %s %s; choose a block within it" % (option, value, outer_option, outer_value)
    return None


def address_or_cidr_problem(option, value):
    try:
        ipaddress.ip_network(str(value), strict=False)
        return None
    except ValueError:
        return "%s: %r is neither an IP address nor a CIDR block" % (option, value)


def port_range_problem(option, value, protocol="tcp"):
    """Alibaba's `from/to` port range: 1..65535 for TCP/UDP, -1/-1 for the others."""
    text = str(value)
    parts = text.split("/")
    if len(parts) != 2:
        return "%s: %r must look like 80/80 or 1/65535 (or -1/-1 for ICMP, GRE, ALL)" % (option, value)
    try:
        low, high = int(parts[0]), int(parts[1])
    except ValueError:
        return "%s: %r must be two numbers separated by /" % (option, value)
    if protocol.lower() in ("tcp", "udp"):
        if not 1 <= low <= high <= 65535:
            return "%s: %r must be from/to with 1 <= from <= to <= 65535 for %s" % (option, value, protocol)
    elif (low, high) != (-1, -1):
        return "%s: %r must be -1/-1 for protocol %s" % (option, value, protocol)
    return None


def fixed_field_problems(params, fixed, kind, resource_id, fix):
    """The options that ask to change what a resource keeps from its creation on: one message each.

    fixed: (option, word, value the resource has) triples; an option the task does not set, or a value the API
    does not return, asks for nothing. kind and resource_id name the resource ("vSwitch", "vsw-1"); fix says what
    the user can do instead ("delete it, or use another name").
    """
    problems = []
    for option, word, have in fixed:
        wanted = params.get(option)
        if wanted is None or have is None or str(wanted) == str(have):
            continue
        problems.append(
            "%s: %s %s has %s %s, not %s; the %s of a %s cannot change (%s)"
            % (option, kind, resource_id, word, have, wanted, word, kind, fix)
        )
    return problems
