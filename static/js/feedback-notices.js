// Live notices: join this user's room on the /notices namespace, bump the header count and say the
// notice in the page's live region (a sighted reader also gets a toast).
(function () {
  "use strict";
  if (typeof io !== "function") return;
  var unread = document.querySelector("[data-notice-unread]");
  var counter = document.querySelector("[data-notice-count]");
  var socket = io("/notices", { transports: ["websocket", "polling"] });

  function toast(notice) {
    var box = document.createElement("a");
    box.className = "notice-toast";
    box.href = notice.url || "/feedback/notices";
    box.textContent = notice.title;
    document.body.appendChild(box);
    setTimeout(function () { box.remove(); }, 8000);
  }

  socket.on("notice", function (notice) {
    if (counter) {
      counter.textContent = String((parseInt(counter.textContent, 10) || 0) + 1);
      if (unread) unread.hidden = false;
    }
    toast(notice);
    if (window.PortalAnnounce) window.PortalAnnounce("新通知：" + notice.title);
  });
})();
