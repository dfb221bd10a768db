"""Geography helpers: distances."""

from __future__ import annotations

from geopy.distance import geodesic

from services_directory.geo import distance_km, load_geography
from services_directory.settings import Settings


def test_distance_km_same_as_geopy_geodesic() -> None:
    """distance_km keeps one Geodesic instead of geopy's new one per call: the figures
    must stay the same bit for bit (they are rounded into the routing answer)."""
    geo = load_geography(Settings().data_dir)
    centres = [(a.lat, a.lon) for _, a in sorted(geo.areas.items())]
    towns = centres[::97]  # about 40 points spread over the country
    different = [
        (a, b) for a in centres[::7] for b in towns if distance_km(a, b) != geodesic(a, b).km
    ]
    assert different == []
