"""A realistic synthetic estate, written as the CSV files that `load_omic` reads
(formats.md, "Demo and scale data: generate_estate")."""

from .estate import FILES, HEADERS, generate_estate

__all__ = ["FILES", "HEADERS", "generate_estate"]
