"""The core app's pages, a module per page family; omic.web_urls names their addresses."""
