// Task ledger: apply a filter as soon as a select changes (the submit button stays for keyboard and no-JS users).
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
});
