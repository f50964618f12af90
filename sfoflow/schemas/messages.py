"""Plain-English words for marshmallow's own messages, which people read on the pages, in the
import report and in the API's errors: "Enter yes or no", never "Not a valid boolean.".

``use_plain_messages()`` sets them on marshmallow's field and validator classes; the schemas
package calls it once when it is imported (``sfoflow/schemas/common.py``), so every schema,
whoever builds it, speaks the same way. A field's own ``error_messages`` still win.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

REQUIRED = "Enter a value"

FIELD_MESSAGES: dict[type, dict[str, str]] = {
    fields.Field: {"required": REQUIRED, "null": REQUIRED, "validator_failed": "Enter a valid value"},
    fields.String: {"invalid": "Enter text", "invalid_utf8": "Enter text using ordinary characters"},
    fields.Integer: {"invalid": "Enter a whole number"},
    fields.Number: {"invalid": "Enter a number", "too_large": "Enter a smaller number"},
    fields.Boolean: {"invalid": "Enter yes or no"},
    fields.Date: {"invalid": "Enter a real date", "format": "Enter a real date"},
    fields.DateTime: {"invalid": "Enter a real date and time"},
    fields.Email: {"invalid": "Enter an email address in the correct format, like name@example.org"},
    fields.List: {"invalid": "Enter a list of items"},
    fields.Nested: {"type": "Enter the details as a set of named values"},
    fields.Dict: {"invalid": "Enter the details as a set of named values"},
}
SCHEMA_MESSAGES = {"type": "Enter the details as a set of named values",
                   "unknown": "Remove this: it is not something sfoflow records"}
LENGTH = {"message_min": "Enter at least {min} characters",
          "message_max": "Enter no more than {max} characters",
          "message_all": "Enter between {min} and {max} characters",
          "message_equal": "Enter exactly {equal} characters"}


def use_plain_messages() -> None:
    for cls, messages in FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.__dict__.get("default_error_messages", {}), **messages}
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}
    for name, text in LENGTH.items():
        setattr(validate.Length, name, text)
