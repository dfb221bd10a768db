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


def test_centre_of_place_independent_of_order() -> None:
    """Seeding puts sites at a town's centre; the PC4s come from a set, whose order
    follows Python's string hashing, so the sum must not depend on it."""
    geo = load_geography(Settings().data_dir)
    moved = []
    for key, pc4s in list(geo.place_keys.items()):
        place = geo.areas[min(pc4s)].place
        centres = set()
        for order in (
            sorted(pc4s),
            sorted(pc4s, reverse=True),
            sorted(pc4s, key=lambda k: k[::-1]),
        ):
            geo.place_keys[key] = order  # type: ignore[assignment]  # any iterable will do
            centres.add(geo.centre_of(place))
        geo.place_keys[key] = pc4s
        if len(centres) > 1:
            moved.append(place)
    assert len(geo.place_keys) > 1000
    assert moved == []
