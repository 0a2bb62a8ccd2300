// eligo: the only script. Shows follow-up questions when they apply
// (every field is visible without it) and keeps "I don't know" exclusive.
(function () {
  "use strict";
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
  document.querySelectorAll("form.questionnaire").forEach(function (form) {
    update(form);
    form.addEventListener("change", function (e) {
      var t = e.target;
      if (t && t.type === "checkbox" && t.value === "dont_know" && t.checked) {
        var box = t.closest("fieldset");
        if (box) box.querySelectorAll("input[type=number], input[type=date]").forEach(function (i) { i.value = ""; });
      }
      update(form);
    });
  });
})();
