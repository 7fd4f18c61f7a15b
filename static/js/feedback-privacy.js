// The filing form tells the filer, while typing, which personal details the public page will hide.
// The server masks on its own (portal/privacy.py); these patterns only point the details out.
(function () {
  "use strict";

  var live = document.getElementById("privacy-live");
  if (!live) return;
  var fields = ["title", "description", "place"]
    .map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  var checks = [
    ["身份证号", /(^|[^0-9A-Za-z])[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/],
    ["手机号", /(^|[^0-9A-Za-z])(\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)/],
    ["固定电话", /(^|[^0-9A-Za-z])(\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[-－\s]?[2-9]\d{6,7}(?!\d)|(电话|座机|固话|号码|拨打|致电)[^0-9\n]{0,4}[2-9]\d{6,7}(?!\d)/],
    ["车牌号", /(^|[^A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•\s]?(?=[A-HJ-NP-Z0-9]*\d)[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])/i],
    ["门牌号", /[路街巷道弄里村庄屯组苑园]\d+号|\d+(号楼|号院|栋|幢|单元|室)/]
  ];

  function update() {
    var text = fields.map(function (f) { return f.value; }).join("\n");
    var found = checks.filter(function (c) { return c[1].test(text); }).map(function (c) { return c[0]; });
    live.hidden = found.length === 0;
    live.textContent = found.length ? "检测到" + found.join("、") + "：公开时将自动隐去，承办人员仍可看到原文。" : "";
    fields.forEach(function (f) { f.classList.toggle("fb-has-personal", found.length > 0 && /\d/.test(f.value)); });
  }

  fields.forEach(function (f) { f.addEventListener("input", update); });
  update();
})();
