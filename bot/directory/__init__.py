"""Where the American Job Centers are and which one is nearest to a ZIP, neighborhood or suburb.

    from bot.directory import load_directory
    d = load_directory()
    here = d.resolve(zip_code="60623")          # Location or LocationProblem
    d.nearest(here)                              # [Nearby(site=<Pilsen AJC>, miles=2.4), ...]

Facts live in content/sites.yml and content/places.yml; this package only reads them.
"""

from bot.directory.directory import Directory, load_directory
from bot.directory.model import Fact, Location, LocationProblem, Nearby, Place, Service, Site

__all__ = [
    "Directory",
    "Fact",
    "Location",
    "LocationProblem",
    "Nearby",
    "Place",
    "Service",
    "Site",
    "load_directory",
]
