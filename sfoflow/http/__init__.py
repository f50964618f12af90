"""What the API and the pages both say over HTTP: file downloads and the JSON error envelope.

Both ``sfoflow.api`` and ``sfoflow.web`` import this; it imports neither, so neither has to
import the other to share a response.
"""
