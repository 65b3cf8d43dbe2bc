# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The site's rule for the web hosts' operating system (the variable site_os): which releases the roles are built and
tested on, how each one's public images are found, and the release of an image the site runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# site_os -> what the region's public images of that release are (DescribeImages: ImageName debian_13_*_x64_...,
# Platform Debian) and how it is named to a reader. The first is the default.
SITE_OS_RELEASES = {
    "debian_13": {"label": "Debian 13 (trixie)", "image_name": "debian_13_*", "platform": "Debian"},
    "debian_12": {"label": "Debian 12 (bookworm)", "image_name": "debian_12_*", "platform": "Debian"},
}
DEFAULT_SITE_OS = "debian_13"

_RELEASE_IN_NAME = re.compile(r"^(debian)_([0-9]+)_", re.IGNORECASE)
_RELEASE_IN_OS_NAME = re.compile(r"^\s*(debian)\s+([0-9]+)", re.IGNORECASE)


def site_os_problem(value):
    """What is wrong with a site_os value, in words that name the variable and the fix; None when nothing."""
    if isinstance(value, str) and value in SITE_OS_RELEASES:
        return None
    choices = " or ".join(
        "%s (%s%s)" % (name, release["label"], ", the default" if name == DEFAULT_SITE_OS else "")
        for name, release in SITE_OS_RELEASES.items()
    )
    return (
        "site_os: %r is not a release the web hosts are built and tested on; write site_os: %s, or leave it out for "
        "%s. To run another image anyway, pin it with site_image_id." % (value, choices, DEFAULT_SITE_OS)
    )


def site_os_images(value=None):
    """The public images of the site's release: site_os (None: the default) with its label, the ImageName pattern
    and the Platform to search for. Raises ValueError with site_os_problem's message for a value not supported."""
    site_os = DEFAULT_SITE_OS if value is None or value == "" else value
    problem = site_os_problem(site_os)
    if problem:
        raise ValueError(problem)
    return dict(SITE_OS_RELEASES[site_os], site_os=site_os)


def image_os(image):
    """The release (debian_13, ...) of an image, from its ID or name in the public images' form
    (debian_13_2_x64_20G_alibase_...) or a DescribeImages/DescribeInstances record (its OSNameEn or OSName, "Debian
    13.2 64 bit", else its ImageName or ImageId); None when it does not say (a custom image without an OS name)."""
    if isinstance(image, dict):
        for field in ("OSNameEn", "OSName", "os_name_en", "os_name"):
            found = _RELEASE_IN_OS_NAME.match(image.get(field) or "")
            if found:
                return "%s_%s" % (found.group(1).lower(), found.group(2))
        names = [image.get(field) or "" for field in ("ImageName", "ImageId", "image_name", "image_id")]
    else:
        names = [image or ""]
    for name in names:
        found = _RELEASE_IN_NAME.match(name)
        if found:
            return "%s_%s" % (found.group(1).lower(), found.group(2))
    return None
