// A table wider than its box scrolls sideways (.table-wrap); keyboard users scroll it with the arrow keys
// once it has focus, so such a box joins the tab order as a named region, and leaves it when it fits again.
(function () {
  "use strict";
  function label(wrap) {
    var caption = wrap.querySelector("caption");
    var name = caption ? caption.textContent.trim() : "";
    return (name || "表格") + "（可左右滚动）";
  }
  function update() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
        wrap.dataset.scrollRegion = "";
      } else if (!scrolls && wrap.dataset.scrollRegion !== undefined) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) { wrap.removeAttribute(name); });
      }
    });
  }
  update();
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
})();
