// Show the enterprise fields only for the entrepreneur account type.
(function () {
  const form = document.getElementById("register-form");
  if (!form) return;
  const block = form.querySelector("[data-show-for]");
  const radios = form.querySelectorAll("input[name=role]");
  function update() {
    const checked = form.querySelector("input[name=role]:checked");
    block.hidden = !checked || checked.value !== block.dataset.showFor;
  }
  radios.forEach((radio) => radio.addEventListener("change", update));
  update();
})();
