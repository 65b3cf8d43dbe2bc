# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible_collections.ha_web.alicloud.plugins.module_utils import site_os as rules


def site_os_images(value=None):
    """The public images of the release site_os names (None or empty: the default), or a failure naming site_os and
    the fix (module_utils/site_os.py)."""
    try:
        return rules.site_os_images(value)
    except ValueError as error:
        raise AnsibleFilterError(str(error)) from None


def image_os(image):
    """The release (debian_13, ...) of an image ID, name or record; an empty string when it does not say."""
    return rules.image_os(image) or ""


class FilterModule(object):
    def filters(self):
        return {"site_os_images": site_os_images, "image_os": image_os}
