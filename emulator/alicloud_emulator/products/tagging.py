"""TagResources / UntagResources / ListTagResources, the same three actions in every product."""

from ..errors import invalid_parameter
from . import shared_errors
from .base import check_tag_limit, matches_tags, token_page


def _kind_for(params, resource_types):
    given = params.str("ResourceType", required=True)
    for api_type, kind in resource_types.items():
        if api_type.lower() == given.lower():
            return api_type, kind
    raise invalid_parameter("ResourceType", given, f"Valid values: {', '.join(resource_types)}.")


def _resources(ctx, kind, ids, not_found):
    region = ctx.region if ctx.product.regional else None
    found = []
    for resource_id in ids:
        matches = ctx.store.find(kind, region, _id=resource_id)
        if not matches:
            raise not_found(resource_id)
        found.append(matches[0])
    return found


def register_tagging(product, resource_types, not_found, untag_action="UntagResources", max_resources=50):
    """Add the three tag actions to `product`; `resource_types` maps API ResourceType -> store kind.

    not_found(resource_id) is the product's ApiError for a resource it does not have (each answers its own).
    """

    @product.action("TagResources")
    def tag_resources(ctx):
        _, kind = _kind_for(ctx.params, resource_types)
        ids = ctx.params.list("ResourceId")
        if not ids:
            raise shared_errors.MISSING_RESOURCE_ID()
        if len(ids) > max_resources:
            raise invalid_parameter("ResourceId", len(ids), f"At most {max_resources} resources.")
        tags = ctx.params.tags()
        if not tags:
            raise shared_errors.MISSING_TAG()
        for resource in _resources(ctx, kind, ids, not_found):
            merged = {**resource["_tags"], **tags}
            check_tag_limit(merged)
            resource["_tags"] = merged
        return {}

    @product.action(untag_action)
    def untag_resources(ctx):
        _, kind = _kind_for(ctx.params, resource_types)
        ids = ctx.params.list("ResourceId")
        if not ids:
            raise shared_errors.MISSING_RESOURCE_ID()
        keys = ctx.params.list("TagKey")
        remove_all = ctx.params.bool("All")
        for resource in _resources(ctx, kind, ids, not_found):
            if keys:
                resource["_tags"] = {k: v for k, v in resource["_tags"].items() if k not in keys}
            elif remove_all:
                resource["_tags"] = {}
        return {}

    @product.action("ListTagResources")
    def list_tag_resources(ctx):
        api_type, kind = _kind_for(ctx.params, resource_types)
        ids = ctx.params.list("ResourceId")
        wanted = ctx.params.tags()
        if not ids and not wanted:
            raise shared_errors.MISSING_PARAMETER()
        if ids:
            resources = [r for r in _resources(ctx, kind, ids, not_found) if ctx.visible(r)]
        else:
            resources = ctx.list(kind, region=product.regional)
        rows = [
            {"ResourceId": r["_id"], "ResourceType": api_type, "TagKey": k, "TagValue": v}
            for r in resources
            if matches_tags(r, wanted)
            for k, v in r["_tags"].items()
        ]
        chunk, meta = token_page(rows, ctx.params, default_size=50, max_size=1000)
        return {"NextToken": meta["NextToken"], "TagResources": {"TagResource": chunk}}
