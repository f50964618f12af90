"""GOV.UK pagination for any paged list page."""
from __future__ import annotations

from urllib.parse import urlencode


def pagination(base_url: str, page: int, pages: int, filters: dict) -> dict | None:
    """govukPagination: first, last, the pages either side of this one, ellipses between; the
    list's filters kept in every link."""
    if pages <= 1:
        return None
    filters = {k: v for k, v in filters.items() if k != "page"}

    def href(n: int) -> str:
        return base_url + "?" + urlencode({**filters, "page": n})

    shown = sorted({1, pages, *range(max(1, page - 1), min(pages, page + 1) + 1)})
    items, last = [], 0
    for n in shown:
        if n - last > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": href(n), "current": n == page})
        last = n
    return {"items": items, "previous": {"href": href(page - 1)} if page > 1 else None,
            "next": {"href": href(page + 1)} if page < pages else None}
