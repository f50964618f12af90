"""Marshmallow schemas: the one description of what the API and imports accept and return.

The OpenAPI document is generated from these, so it cannot drift from validation.
"""
