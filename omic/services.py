"""Writes to the estate core. Every write goes through a service: it validates, writes
inside a transaction and records the audit event.

The extract loader lives in omic.loading (one module per file kind); its entry points are
re-exported here so callers find every omic write in one place."""

from omic.loading.report import FileResult, LoadReport
from omic.loading.service import load_extract, load_file

__all__ = ["FileResult", "LoadReport", "load_extract", "load_file"]
