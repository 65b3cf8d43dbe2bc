"""NAS 2017-06-26: file systems, mount targets, access groups and rules."""

from .base import Product

NAS = Product(code="NAS", version="2017-06-26", endpoint_prefix="nas", regional=False)
