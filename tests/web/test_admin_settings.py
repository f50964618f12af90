"""The settings page (/admin/settings): admins change settings; each change shown with who and when."""
from __future__ import annotations

from tests.support.web import post_form, text


def test_admin_changes_a_setting_and_sees_the_change_recorded(signed_in):
    client, admin = signed_in("admin", name="Ada Admin")
    page = client.get("/admin/settings")
    assert page.status_code == 200
    body = text(page)
    assert "HMIP sample rate: 1 review in" in body and "Offence variation threshold" in body
    assert "No setting has been changed yet" in body
    resp = post_form(client, "/admin/settings", "/admin/settings",
                     {"sample_rate_k": "4", "sign_off_required": "true", "offence_variation_threshold": "10",
                      "reminder_working_days": "5, 2, 0", "reason": "pilot year"})
    assert resp.status_code == 302
    body = text(client.get("/admin/settings"))
    assert "Settings saved: 1 change, listed under Changes." in body
    row = body[body.index("Newest first"):]
    assert "Ada Admin" in row and "HMIP sample rate: 1 review in 5 4 pilot year" in row


def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_saved(signed_in):
    client, _ = signed_in("admin")
    resp = post_form(client, "/admin/settings", "/admin/settings", {"sample_rate_k": "0", "page_size_default": "20"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert 'href="#setting-sample_rate_k"' in page
    assert "Enter a number of 1 or more" in text(resp)
    assert "No setting has been changed yet" in text(client.get("/admin/settings"))


def test_only_admins_see_the_page(signed_in):
    client, _ = signed_in("manager")
    assert client.get("/admin/settings").status_code == 403
