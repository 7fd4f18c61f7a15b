// Live countdowns of sign-for and handling deadlines; reply templates fill the reply box.
(function () {
  "use strict";

  // Time left rounds up (a fresh 30-minute sign-for limit reads 30分钟, not 29), time overdue rounds down.
  function span(ms) {
    var minutes = ms >= 0 ? Math.ceil(ms / 60000) : Math.floor(-ms / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    if (days > 0) return days + "天" + hours + "小时";
    if (hours > 0) return hours + "小时" + mins + "分";
    return Math.max(mins, 0) + "分钟";
  }

  function update() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-deadline")) - now;
      var box = el.closest(".deadline");
      if (left < 0) {
        el.textContent = "已逾期" + span(left);
        if (box) box.classList.add("overdue");
      } else {
        el.textContent = "剩余" + span(left);
        if (box) box.classList.toggle("soon", left < 2 * 3600 * 1000);
      }
    });
  }

  document.querySelectorAll("select[data-template-target]").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = document.getElementById(select.getAttribute("data-template-target"));
      if (target && option && option.getAttribute("data-body")) target.value = option.getAttribute("data-body");
    });
  });

  update();
  setInterval(update, 30000);
})();
