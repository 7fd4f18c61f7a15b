// The browser draws file, date and week pickers in its own language: an English one says "Choose Files",
// "No file chosen" and mm/dd/yyyy. Around each such control the page speaks Chinese instead:
// - a file input gets a 选择文件 button and the chosen names ("未选择文件" before); the native input stays in
//   place, visually hidden, so its label, keyboard focus, screen readers and form submission are unchanged;
// - a date or week input with a hint (macros/forms.html picker_hint) gets the chosen value echoed in Chinese
//   after it, e.g. "已选：2026年12月1日（星期二）", and the hint names the date's parts in the order this
//   browser shows them (月/日/年 in an English one, 年/月/日 in a Chinese one).
(function () {
  "use strict";
  var WEEKDAYS = "日一二三四五六";
  var DAY = 86400000;

  function describeBy(input, id) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) < 0) ids.push(id);
    input.setAttribute("aria-describedby", ids.join(" "));
  }

  function enhanceFile(input, index) {
    if (input.dataset.picker) return;
    input.dataset.picker = "file";
    var id = (input.id || "file-input-" + index) + "-names";
    var button = document.createElement("span");
    button.className = "button button-secondary button-small file-button";
    button.setAttribute("aria-hidden", "true"); // the native input is the control; this is its face
    button.textContent = "选择文件";
    var names = document.createElement("span");
    names.className = "file-names";
    names.id = id;
    names.dataset.testid = "file-names";
    input.classList.add("file-native");
    input.insertAdjacentElement("beforebegin", button);
    button.insertAdjacentElement("afterend", names);
    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("focus", function () { button.classList.toggle("has-focus", input.matches(":focus-visible")); });
    input.addEventListener("blur", function () { button.classList.remove("has-focus"); });

    function show() {
      var files = Array.prototype.slice.call(input.files || []);
      names.textContent = files.length
        ? "已选择 " + files.length + " 个文件：" + files.map(function (f) { return f.name; }).join("、")
        : "未选择文件";
    }
    input.addEventListener("change", show);
    if (input.form) input.form.addEventListener("reset", function () { setTimeout(show, 0); });
    show();
    describeBy(input, id);
  }

  function chinese(type, value) {
    var m;
    if (type === "date" && (m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value))) {
      var day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
      return m[1] + "年" + (+m[2]) + "月" + (+m[3]) + "日（星期" + WEEKDAYS[day.getUTCDay()] + "）";
    }
    if (type === "week" && (m = /^(\d{4})-W(\d{2})$/.exec(value))) {
      var jan4 = Date.UTC(+m[1], 0, 4);
      var monday = new Date(jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY + (+m[2] - 1) * 7 * DAY);
      var sunday = new Date(monday.getTime() + 6 * DAY);
      var md = function (d) { return (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日"; };
      return m[1] + "年第" + (+m[2]) + "周（" + md(monday) + "至" + md(sunday) + "）";
    }
    return "";
  }

  // The order of year, month and day in this browser's own date format, in Chinese: "月/日/年" for en-US.
  function dateOrder() {
    var names = { year: "年", month: "月", day: "日" };
    try {
      return new Intl.DateTimeFormat(navigator.language, { year: "numeric", month: "2-digit", day: "2-digit" })
        .formatToParts(new Date(2026, 11, 31))
        .filter(function (part) { return names[part.type]; })
        .map(function (part) { return names[part.type]; })
        .join("/");
    } catch (e) {
      return "";
    }
  }

  function echo(hint) {
    var input = document.getElementById(hint.dataset.for);
    var out = hint.querySelector("[data-picker-echo]");
    if (!input || !out) return;
    var order = hint.querySelector("[data-picker-order]");
    var shown = order && dateOrder();
    if (shown) order.textContent = shown;
    function show() {
      var text = input.value ? chinese(input.type, input.value) : "";
      out.textContent = text ? "。已选：" + text : "";
    }
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    show();
  }

  document.querySelectorAll('input[type="file"]').forEach(enhanceFile);
  document.querySelectorAll("[data-picker-hint]").forEach(echo);
})();
