// Copy the citation line of a policy document to the clipboard.
const status = document.querySelector(".copy-status");

function fallbackCopy(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  return ok;
}

for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const source = document.querySelector(button.dataset.copy);
    if (!source) return;
    const text = source.textContent.trim();
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch (err) {
      ok = fallbackCopy(text);
    }
    if (status) status.textContent = ok ? "已复制到剪贴板" : "复制失败，请手动选择文字复制";
    button.dataset.copied = ok ? "true" : "false";
  });
}
