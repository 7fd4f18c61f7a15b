// Progress report form: a slider mirrors the percentage field; a hand-picked status that no longer fits resets.
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
      // A status picked by hand must agree with 100%; "automatic" ("") follows the percentage on the server.
      if (status && status.value && (range.value === "100") !== (status.value === "done")) status.value = "";
    });
  }
}
