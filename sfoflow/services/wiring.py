"""Import every service module, so their checks, effects and intake hooks are registered."""
from .. import plugins, services

plugins.import_all(services)
