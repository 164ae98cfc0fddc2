"""The published warehouse: an atomic, read-only copy for BI tools (docs/reliability.md)."""

from extractors.publish.publisher import (
    STORAGE_VERSION,
    PublishError,
    PublishResult,
    publish_warehouse,
    published_path,
)

__all__ = [
    "STORAGE_VERSION",
    "PublishError",
    "PublishResult",
    "publish_warehouse",
    "published_path",
]
