"""Services: open a transaction, call the pure core, record the result.

Blueprints and Celery tasks call these and nothing below them.
"""
