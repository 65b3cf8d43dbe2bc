"""SLB (CLB) 2014-05-15: load balancers, HTTP listeners, backend servers, health status."""

from .base import Product

SLB = Product(code="Slb", version="2014-05-15", endpoint_prefix="slb")
