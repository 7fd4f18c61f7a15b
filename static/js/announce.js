// The page's one polite live region (#live-announcer in base.html). Live updates are said there in a short
// sentence, instead of every changing list or counter being a live region of its own (a re-sorted queue
// would be read out again at every vote). Sentences arriving together are said together.
(function () {
  "use strict";
  var region = document.getElementById("live-announcer");
  if (!region) return;
  var waiting = [];
  var timer = null;
  window.PortalAnnounce = function (text) {
    if (!text) return;
    waiting.push(text);
    if (timer) return;
    timer = setTimeout(function () {
      timer = null;
      // Emptied first, so the same sentence twice in a row is said twice.
      region.textContent = "";
      var sentence = waiting.join("；");
      waiting = [];
      setTimeout(function () { region.textContent = sentence; }, 50);
    }, 150);
  };
})();
