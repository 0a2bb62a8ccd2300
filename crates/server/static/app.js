// eligo: the only script. Shows follow-up questions when they apply
// (every field is visible without it), keeps "I don't know" exclusive,
// counts the questions answered, moves focus to an error summary, and keeps
// the pre-screen answers in this browser (localStorage, never the server)
// so that "change my answers" and the next study's pre-screen start from
// them. Nothing breaks without it.
(function () {
  "use strict";
  var KEY = "eligo-prescreen-answers";
  function value(form, name) {
    var checked = form.querySelector('input[type=radio][name="' + name + '"]:checked');
    if (checked) return checked.value;
    var sel = form.querySelector('select[name="' + name + '"]');
    return sel ? sel.value : "";
  }
  function update(form) {
    form.querySelectorAll("[data-when-name]").forEach(function (el) {
      var v = value(form, el.getAttribute("data-when-name"));
      var show = el.getAttribute("data-when-values").split(",").indexOf(v) >= 0;
      el.hidden = !show;
    });
  }
  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(form) {
    var kept = load();
    form.querySelectorAll("input[name], select[name]").forEach(function (i) {
      if (i.name === "csrf" || i.name === "at") return;
      if ((i.type === "radio" || i.type === "checkbox") && !i.checked) {
        if (i.type === "checkbox" && kept[i.name] === "dont_know") delete kept[i.name];
        return;
      }
      if (i.type === "radio" || i.type === "checkbox") { kept[i.name] = i.value; return; }
      if (i.value === "") delete kept[i.name]; else kept[i.name] = i.value;
    });
    try { window.localStorage.setItem(KEY, JSON.stringify(kept)); } catch (e) { /* storage off */ }
  }
  // Fill empty fields from the answers kept in this browser; what the
  // server sent back (a form with errors, "change my answers") wins.
  function restore(form) {
    var kept = load();
    var filled = form.querySelector("input[type=radio]:checked, input[type=checkbox]:checked, input[type=number][value]:not([value='']), input[type=date][value]:not([value=''])");
    if (filled) return;
    Object.keys(kept).forEach(function (name) {
      var v = kept[name];
      form.querySelectorAll('[name="' + name + '"]').forEach(function (i) {
        if (i.type === "radio" || i.type === "checkbox") { if (i.value === v) i.checked = true; }
        else if (i.tagName === "SELECT") {
          if (Array.prototype.some.call(i.options, function (o) { return o.value === v; })) i.value = v;
        } else if (i.value === "") { i.value = v; }
      });
    });
  }
  function progress(form) {
    var el = document.getElementById("progress");
    if (!el) return;
    var qs = form.querySelectorAll("fieldset.question");
    var done = 0;
    qs.forEach(function (q) {
      var any = Array.prototype.some.call(q.querySelectorAll("input, select"), function (i) {
        if (i.type === "radio" || i.type === "checkbox") return i.checked;
        return i.value !== "" && !(i.tagName === "SELECT" && i.name.slice(-5) === ".unit");
      });
      if (any) done += 1;
    });
    el.textContent = done + " of " + qs.length + " questions answered. You can see your result at any point.";
    el.hidden = false;
  }
  document.querySelectorAll("form.questionnaire").forEach(function (form) {
    restore(form);
    update(form);
    progress(form);
    var forget = document.getElementById("forget-answers");
    if (forget) {
      forget.hidden = false;
      forget.addEventListener("click", function () {
        try { window.localStorage.removeItem(KEY); } catch (e) { /* storage off */ }
        form.reset();
        update(form);
        progress(form);
      });
    }
    form.addEventListener("change", function (e) {
      var t = e.target;
      if (t && t.type === "checkbox" && t.value === "dont_know" && t.checked) {
        var box = t.closest("fieldset");
        if (box) box.querySelectorAll("input[type=number], input[type=date]").forEach(function (i) { i.value = ""; });
      }
      update(form);
      progress(form);
    });
    form.addEventListener("submit", function () { save(form); });
  });
  // An error summary takes focus, so a screen reader and the eye go to it.
  var err = document.getElementById("apply-errors") || document.getElementById("form-errors");
  function focusError() {
    err.scrollIntoView({ block: "start" });
    err.focus();
  }
  if (err) {
    focusError();
    // Going to the page's #apply anchor happens after this script: focus
    // again once the page has loaded.
    window.addEventListener("load", function () { window.setTimeout(focusError, 0); });
  }
})();
