// Live notices: join this user's room on the /notices namespace and bump the header count.
(function () {
  "use strict";
  if (typeof io !== "function") return;
  var counter = document.querySelector("[data-notice-count]");
  var socket = io("/notices", { transports: ["websocket", "polling"] });

  function toast(notice) {
    var box = document.createElement("a");
    box.className = "notice-toast";
    box.setAttribute("role", "status");
    box.href = notice.url || "/feedback/notices";
    box.textContent = notice.title;
    document.body.appendChild(box);
    setTimeout(function () { box.remove(); }, 8000);
  }

  socket.on("notice", function (notice) {
    if (counter) {
      counter.hidden = false;
      counter.textContent = String((parseInt(counter.textContent, 10) || 0) + 1);
    }
    toast(notice);
  });
})();
