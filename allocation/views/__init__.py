"""POM case management pages, one module per page (formats.md, "Addresses")."""
