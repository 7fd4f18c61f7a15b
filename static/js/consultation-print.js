// 意见采纳情况, print view: the print button opens the browser's print dialog (print CSS lays the report out on A4).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
