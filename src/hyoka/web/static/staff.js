// Live check of the sheet edit form: posts the form to its check URL (debounced) and shows
// the rules' findings and input errors next to the fields. Without this script the form
// still works: the server checks on save and shows the same messages.
(function () {
  "use strict";
  var form = document.getElementById("sheet-form");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-check-url");
  var status = document.getElementById("live-status");
  var timer = null;
  var sequence = 0;
  var labels = { error: "誤り", warning: "要確認", info: "参考" };

  function clear() {
    var boxes = document.querySelectorAll(".field-findings");
    for (var i = 0; i < boxes.length; i++) { boxes[i].textContent = ""; }
  }

  function put(field, text, kind) {
    var box = document.getElementById("ff-" + field) || document.getElementById("ff-form");
    var note = document.createElement("p");
    note.className = "finding finding--" + kind;
    note.textContent = text;
    box.appendChild(note);
  }

  function show(result) {
    clear();
    var errors = result.errors || {};
    var count = 0;
    Object.keys(errors).forEach(function (field) { put(field, errors[field], "error"); count++; });
    (result.findings || []).forEach(function (item) {
      put(item.field, (labels[item.severity] || "") + " " + item.message, item.severity);
      count++;
    });
    if (status) { status.textContent = count ? "点検結果：" + count + "件" : "点検結果：指摘はありません"; }
  }

  function check() {
    var mine = ++sequence;
    var body = new FormData(form);
    var token = body.get("csrf_token") || "";
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (result && mine === sequence) { show(result); }
    }).catch(function () { /* the save still checks everything */ });
  }

  form.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(check, 500);
  });
})();
