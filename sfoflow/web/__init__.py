"""The server-rendered web interface (GOV.UK Frontend look) and the health endpoints.

Each module is one blueprint; ``sfoflow.app`` lists them, with the navigation.
"""
