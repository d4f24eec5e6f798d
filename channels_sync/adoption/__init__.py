"""Adopting a shop's existing catalog: matching its products with the local catalog, then importing them."""
