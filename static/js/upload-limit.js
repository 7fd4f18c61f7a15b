// Files over the limit are caught before the form is sent: the message sits under the file input, the
// typed text stays, and nothing is uploaded. Limits come from the form's data-max-* attributes.
(function () {
  "use strict";

  function mb(bytes) {
    return Math.round(bytes / 1048576) + "MB";
  }

  function problem(form, input) {
    var perFile = Number(form.getAttribute("data-max-file-bytes")) || 0;
    var total = Number(form.getAttribute("data-max-total-bytes")) || 0;
    var count = Number(form.getAttribute("data-max-files")) || 0;
    var files = Array.prototype.slice.call(input.files || []);
    if (count && files.length > count) return "最多上传" + count + "个附件，请减少后重新选择。";
    var big = files.filter(function (f) { return perFile && f.size > perFile; });
    if (big.length) {
      return "附件“" + big.map(function (f) { return f.name; }).join("”“") + "”超过" + mb(perFile) +
        "，请压缩后重新选择。已填写的其他内容不受影响。";
    }
    var sum = files.reduce(function (s, f) { return s + f.size; }, 0);
    if (total && sum > total) return "附件合计超过" + mb(total) + "，请压缩或减少附件后重新选择。";
    return "";
  }

  function show(input, message) {
    var note = input.parentNode.querySelector(".upload-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "error upload-error";
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
    note.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  document.querySelectorAll("form[data-max-file-bytes]").forEach(function (form) {
    var inputs = Array.prototype.slice.call(form.querySelectorAll('input[type="file"]'));
    inputs.forEach(function (input) {
      input.addEventListener("change", function () { show(input, problem(form, input)); });
    });
    form.addEventListener("submit", function (event) {
      var bad = inputs.filter(function (input) {
        var message = problem(form, input);
        show(input, message);
        return message;
      });
      if (bad.length) {
        event.preventDefault();
        bad[0].focus();
      }
    });
  });
})();
