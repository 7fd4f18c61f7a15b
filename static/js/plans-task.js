// Progress report form: a slider mirrors the percentage field, and the status follows 0 / 100 unless chosen.
const form = document.querySelector("[data-progress-form]");
if (form) {
  const number = form.querySelector("input[name=progress]");
  const range = form.querySelector("[data-progress-range]");
  const status = form.querySelector("select[name=status]");
  if (number && range) {
    range.hidden = false;
    const sync = () => {
      const value = Number.parseInt(number.value, 10);
      if (!Number.isNaN(value)) range.value = String(Math.min(100, Math.max(0, value)));
    };
    sync();
    number.addEventListener("input", sync);
    range.addEventListener("input", () => {
      number.value = range.value;
      if (status && range.value === "100") status.value = "done";
      else if (status && status.value === "done") status.value = "in_progress";
    });
  }
}
