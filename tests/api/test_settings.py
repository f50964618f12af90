"""/api/v1/settings: admins read and change run-time settings; every change audited."""
from __future__ import annotations


def patch(api, url, json):
    return api.client.patch(url, json=json, headers=api._headers())


def test_admin_reads_changes_and_sees_the_history(api):
    admin, user = api("admin")
    items = {i["key"]: i for i in admin.get("/api/v1/settings").json["items"]}
    assert items["sample_rate_k"]["value"] == 5 and items["sample_rate_k"]["default"] == 5
    assert items["offence_variation_threshold"]["kind"] == "int"
    resp = patch(admin, "/api/v1/settings", {"values": {"sample_rate_k": 4, "sign_off_required": False},
                                             "reason": "pilot"})
    assert resp.status_code == 200, resp.json
    changes = {c["key"]: c for c in resp.json["changes"]}
    assert (changes["sample_rate_k"]["old_value"], changes["sample_rate_k"]["new_value"]) == (5, 4)
    assert (changes["sign_off_required"]["old_value"], changes["sign_off_required"]["new_value"]) == (True, False)
    assert changes["sample_rate_k"]["changed_by_email"] == user.email and changes["sample_rate_k"]["reason"] == "pilot"
    history = admin.get("/api/v1/settings/history").json["items"]
    assert {h["key"] for h in history} == {"sample_rate_k", "sign_off_required"}
    items = {i["key"]: i for i in admin.get("/api/v1/settings").json["items"]}
    assert items["sample_rate_k"]["value"] == 4 and items["sign_off_required"]["value"] is False


def test_a_bad_value_is_a_clear_422_naming_the_setting_and_nothing_changes(api):
    admin, _ = api("admin")
    resp = patch(admin, "/api/v1/settings", {"values": {"page_size_default": 30, "sample_rate_k": 0}})
    assert resp.status_code == 422
    assert resp.json["error"]["fields"] == {"sample_rate_k": ["Enter a number of 1 or more"]}
    assert admin.get("/api/v1/settings/history").json["items"] == []
    resp = patch(admin, "/api/v1/settings", {"values": {"database_url": "sqlite://"}})
    assert resp.status_code == 422 and "database_url" in resp.json["error"]["fields"]
    assert patch(admin, "/api/v1/settings", {"values": {}}).status_code == 422
    assert patch(admin, "/api/v1/settings", {"vals": {}}).status_code == 422


def test_others_may_not(api):
    manager, _ = api("manager")
    assert manager.get("/api/v1/settings").status_code == 403
    assert patch(manager, "/api/v1/settings", {"values": {"sample_rate_k": 4}}).status_code == 403
