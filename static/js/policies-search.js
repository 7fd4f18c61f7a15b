// Search page: open the facet panel on wide screens; re-run the search when the sort order changes.
const panel = document.querySelector("details[data-wide-open]");
if (panel && window.matchMedia("(min-width: 900px)").matches) {
  panel.open = true;
}

const form = document.querySelector("form.policy-search");
const sort = document.getElementById("sort");
if (form && sort) {
  sort.addEventListener("change", () => form.requestSubmit());
}

// Empty fields would clutter the bookmarkable URL: leave them out of the query string.
if (form) {
  form.addEventListener("formdata", (event) => {
    for (const [name, value] of [...event.formData.entries()]) {
      if (value === "" || (name === "sort" && value === "relevance") || (name === "per_page" && value === "20")) {
        event.formData.delete(name);
      }
    }
  });
}
