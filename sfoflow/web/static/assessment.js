// Autosave for the QA form. Without this script the "Save draft" button saves the whole form.
//
// Changed fields are sent (JSON, with the CSRF token in X-CSRFToken) a few seconds after a
// change, when a field loses focus, and when the page is hidden (closing the tab), with the
// version last saved, so a second tab cannot silently overwrite newer work. The status line
// says when the form was last saved, or why it was not.
(function () {
  "use strict";
  var form = document.getElementById("qa-form");
  if (!form || form.getAttribute("data-editable") !== "true" || !window.fetch) { return; }

  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("save-status");
  var versionInput = document.getElementById("qa-version");
  var DELAY = 2000;
  var RETRY = 10000;
  var pending = {};      // field name -> true, changed since the last save was sent
  var timer = null;
  var inFlight = false;
  var blocked = false;   // a stale version: stop saving until the page is reloaded
  var afterSave = null;  // a form post waiting for the save in flight (so it carries the new version)

  // state: saved | pending | saving | error (data-state, for people's tools and the tests)
  function say(text, state) {
    status.textContent = text;
    status.setAttribute("data-state", state);
    status.classList.toggle("sfo-save-status--error", state === "error");
  }

  function csrfToken() {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function valueOf(name) {
    var fields = form.elements[name];
    if (!fields) { return null; }
    if (typeof RadioNodeList !== "undefined" && fields instanceof RadioNodeList) { return fields.value || null; }
    if (fields.type === "radio") { return fields.checked ? fields.value : null; }
    var text = fields.value.trim();
    return text === "" ? null : text;
  }

  // "answer-1.1.a" -> answers["1.1.a"].answer; "rating-2" -> ratings["2"]; "summary" -> summary
  function payload(names) {
    var body = { version: parseInt(versionInput.value, 10), answers: {}, ratings: {}, feedback: {} };
    names.forEach(function (name) {
      var value = valueOf(name);
      var dash = name.indexOf("-");
      var kind = dash > 0 ? name.slice(0, dash) : name;
      var id = dash > 0 ? name.slice(dash + 1) : null;
      if (kind === "answer" || kind === "note") {
        body.answers[id] = body.answers[id] || {};
        body.answers[id][kind] = value;
      } else if (kind === "rating") {
        body.ratings[id] = value;
      } else if (kind === "feedback") {
        body.feedback[id] = value;
      } else if (kind === "summary") {
        body.summary = value;
      }
    });
    return body;
  }

  function balanceText(el, b) {
    var text = el.querySelector(".sfo-balance-text");
    var suggested = el.querySelector(".sfo-suggested");
    if (!text || !suggested) { return; }
    var counts = b.yes + " yes, " + b.no + " no" + (b.not_applicable ? ", " + b.not_applicable + " not applicable" : "") + ".";
    text.firstChild.nodeValue = text.firstChild.nodeValue.replace(/\d+ yes, \d+ no(, \d+ not applicable)?\./, counts);
    suggested.textContent = b.suggested_label || "none yet";
    var reason = el.querySelector(".sfo-suggested-reason");
    if (reason) { reason.textContent = b.suggested_reason || ""; }
  }

  function showResult(data) {
    versionInput.value = data.version;
    say(data.saved_text + ".", Object.keys(pending).length ? "pending" : "saved");
    document.querySelectorAll("[data-balance-kind]").forEach(function (el) {
      var group = data.balances[el.getAttribute("data-balance-kind")] || {};
      var b = group[el.getAttribute("data-balance-id")];
      if (b) { balanceText(el, b); }
    });
    var overall = document.getElementById("overall-rating");
    if (overall) {
      overall.textContent = data.overall_rating_label
        ? data.overall_rating_label + " (" + data.overall_score + " of " + overall.getAttribute("data-max-score") + ")"
        : "Not yet: rate all four standards";
    }
    var missing = document.getElementById("missing-count");
    if (missing) {
      missing.textContent = data.missing
        ? data.missing + " thing" + (data.missing === 1 ? "" : "s") + " still to do before you can submit."
        : "Everything needed is filled in: you can submit.";
    }
  }

  function save(options) {
    clearTimeout(timer);
    timer = null;
    var names = Object.keys(pending);
    if (blocked || inFlight || names.length === 0) { return; }
    pending = {};
    inFlight = true;
    say("Saving…", "saving");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!(options && options.keepalive),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(payload(names))
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        inFlight = false;
        if (response.ok) {
          showResult(data);
          if (afterSave) { return done(); }
          if (Object.keys(pending).length) { schedule(DELAY); }
          return;
        }
        if (response.status === 409) {
          blocked = true;
        } else if (response.status >= 500 || response.status === 0) {
          names.forEach(function (n) { pending[n] = true; });
          schedule(RETRY);
        }
        say("Not saved: " + (data.message || ("the server answered " + response.status)), "error");
        if (afterSave) { done(); }
      });
    }).catch(function () {
      inFlight = false;
      names.forEach(function (n) { pending[n] = true; });
      say("Not saved: no connection. Your answers are still on this page; trying again in 10 seconds.", "error");
      if (afterSave) { return done(); }
      schedule(RETRY);
    });
  }

  function done() {
    var post = afterSave;
    afterSave = null;
    post();
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function changed(event) {
    var name = event.target && event.target.name;
    if (!name || name === "csrf_token" || name === "version" || name === "intent") { return; }
    pending[name] = true;
    say("Changes not saved yet…", "pending");
    schedule(DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function () { if (Object.keys(pending).length) { save(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save({ keepalive: true }); }
  });
  // Posting the whole form (Save draft / Submit) saves everything, so no background save is
  // needed; but one already in flight is waited for, so the post carries the version it made.
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      var submitter = event.submitter;
      afterSave = function () {
        if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      };
      return;
    }
    pending = {};
    blocked = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!blocked && (Object.keys(pending).length || inFlight)) { event.preventDefault(); event.returnValue = ""; }
  });
}());
