"""Editor credentials: any character in a secret, a clear refusal of a broken setting, throttled sign-in."""

from __future__ import annotations

import pytest

from corridors import auth


def test_json_form_keeps_any_character():
    secret = 'semi;colon = equals "quote" 空格 '
    assert auth.editors(env='{"王工": "' + secret.replace('"', '\\"') + '"}', secrets={}) == {"王工": secret}


def test_secrets_file_keeps_the_credential_as_written():
    assert auth.editors(env="", secrets={"李工": " a;b=c "}) == {"李工": " a;b=c "}


def test_a_semicolon_in_the_simple_form_is_refused_not_cut():
    with pytest.raises(auth.ConfigError, match="part 2 has no '='.*JSON form"):
        auth.editors(env="王工=abc;def", secrets={})
    assert auth.editors(env="王工=abc;李工=x=y", secrets={}) == {"王工": "abc", "李工": "x=y"}


def test_bad_json_is_refused():
    with pytest.raises(auth.ConfigError, match="not valid JSON"):
        auth.editors(env='{"王工": ', secrets={})


def test_throttle_grows_per_name_and_per_client():
    now = [0.0]
    th = auth.Throttle(free=3, base=2.0, cap=60.0, clock=lambda: now[0])
    users = {"王工": "right"}
    for _ in range(3):
        assert auth.sign_in("王工", "wrong", users, "10.0.0.1", th) == (None, 0.0)
    assert auth.sign_in("王工", "wrong", users, "10.0.0.1", th) == (None, 2.0)
    assert auth.sign_in("王工", "right", users, "10.0.0.2", th)[0] is None  # the name is locked from any client
    now[0] += 2.0
    assert auth.sign_in("王工", "wrong", users, "10.0.0.1", th) == (None, 4.0)  # the delay doubles
    now[0] += 4.0
    assert auth.sign_in("其他", "wrong", users, "10.0.0.1", th)[1] == 8.0  # the client is locked for other names
    now[0] += 8.0
    assert auth.sign_in("王工", "right", users, "10.0.0.3", th) == ("王工", 0.0)
    assert th.wait(["name:王工"]) == 0.0
    for _ in range(20):
        now[0] += 1000
        auth.sign_in("x", "wrong", users, "c", th)
    assert th.failure(["name:x"]) == 60.0  # capped


def test_an_unknown_name_is_not_accepted():
    assert not auth.check("nobody", "\0", {"王工": "right"})
    assert auth.check("王工", "right", {"王工": "right"}) and not auth.check("王工", "righ", {"王工": "right"})


def test_the_client_behind_the_proxy_is_the_address_the_proxy_sets():
    """Behind the team deployment's proxy every peer is loopback (Streamlit reports None): the client is the
    address HAProxy put in its own header, never one the client wrote in X-Forwarded-For (issue 31: the key was
    the first X-Forwarded-For value). Streamlit's own header mapping, with a header repeated as a client and the
    proxy would send it."""
    from streamlit.runtime.context import StreamlitHeaders

    forged = StreamlitHeaders([("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "10.9.8.7"),
                               (auth.CLIENT_HEADER, "10.9.8.7")])
    assert forged.get("X-Forwarded-For") == "6.6.6.6"  # what a plain get() sees first: the client's own
    assert auth.client_address(None, forged) == "10.9.8.7"
    assert auth.client_address("127.0.0.1", {auth.CLIENT_HEADER: "2001:db8::7"}) == "2001:db8::7"
    assert auth.client_address(None, {"X-Forwarded-For": "6.6.6.6"}) == "local"  # no proxy header: not trusted
    assert auth.client_address(None, {auth.CLIENT_HEADER: "6.6.6.6, 7.7.7.7"}) == "local"  # not one address
    assert auth.client_address(None, {}) == "local"
    # A peer that is not this machine is the client itself, whatever it writes.
    assert auth.client_address("10.1.2.3", {"X-Forwarded-For": "6.6.6.6", auth.CLIENT_HEADER: "6.6.6.6"}) == "10.1.2.3"


def test_a_lockout_is_told_apart_from_a_wrong_credential():
    users = {"王工": "right"}
    th = auth.Throttle(free=1)
    assert auth.locked_for("王工", "10.0.0.1", th) == 0
    auth.sign_in("王工", "wrong", users, "10.0.0.1", th)
    assert auth.locked_for("王工", "10.0.0.1", th) == 0  # the free failure
    _, wait = auth.sign_in("王工", "wrong", users, "10.0.0.1", th)
    assert wait > 0 and auth.locked_for("王工", "10.0.0.1", th) > 0
    assert auth.locked_for("王工", "10.0.0.9", th) > 0  # the name is locked from any client


def test_times_are_shown_in_china_standard_time_with_the_zone():
    from datetime import UTC, datetime

    from corridors import i18n

    assert i18n.china_time("2026-01-01T00:00:00+00:00", "zh") == "2026-01-01 08:00 北京时间"
    assert i18n.china_time(datetime(2026, 6, 30, 20, 30, tzinfo=UTC), "en") == \
        "2026-07-01 04:30 China Standard Time (UTC+8)"  # across midnight; no daylight saving in summer
    assert i18n.china_time("2026-01-01T00:00:00", "zh").startswith("2026-01-01 08:00")  # naive = UTC
    assert i18n.china_time(None, "zh") == ""
