"""Writes to the core records: users, staff, benchmarks and prison settings, a module each.

Every write validates (ValidationError keyed by field), saves inside one transaction, and
records one audit event. The extract loader, a service of its own, is omic.loading."""
