"""The one parser for AUTOBAHN_USE_NVX / AUTOBAHN_BUNDLE_FLATC."""

import pytest

from autobahn._switch import AUTO, OFF, REQUIRED, parse_switch, read_switch


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(v, OFF) for v in ("0", "false", "no", "off", "OFF", " False ", "No\n")],
        *[(v, REQUIRED) for v in ("1", "true", "yes", "on", "TRUE", " on ")],
        *[(v, AUTO) for v in (None, "", "auto", " Auto ", "  ")],
    ],
)
def test_accepted_values(value, expected):
    assert parse_switch("AUTOBAHN_USE_NVX", value) == expected


@pytest.mark.parametrize("value", ["2", "-1", "y", "enable", "nvx", "0 1"])
def test_other_values_name_the_variable_and_the_choices(value):
    with pytest.raises(ValueError) as info:
        parse_switch("AUTOBAHN_BUNDLE_FLATC", value)
    message = str(info.value)
    assert "AUTOBAHN_BUNDLE_FLATC" in message
    assert repr(value) in message
    assert "0/false/no/off" in message and "1/true/yes/on" in message and "auto" in message


def test_read_switch_from_mapping():
    assert read_switch("X", {"X": "on"}) == REQUIRED
    assert read_switch("X", {}) == AUTO
