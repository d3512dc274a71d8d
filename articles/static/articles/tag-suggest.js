// Tag suggestions for the article form's comma-separated tags field. The
// browser's own <datalist> shows them: each option is the whole field value with
// the word being typed completed, so picking one keeps the tags before it.
// The admin loads form media in <head>: wait for the form.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var input = document.querySelector("input[data-tag-suggestions]");
  if (!input) return;
  var list = document.createElement("datalist");
  list.id = input.id + "-suggestions";
  input.after(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");

  var timer = null;
  var asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });

  function suggest() {
    var value = input.value;
    var cut = value.lastIndexOf(",");
    var before = cut < 0 ? "" : value.slice(0, cut + 1) + " ";
    var word = value.slice(cut + 1).trim();
    if (word.length < 2 || word === asked) return;
    asked = word;
    var url = input.dataset.tagSuggestions + "?q=" + encodeURIComponent(word);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
      .then(function (data) {
        var taken = before.split(",").map(function (t) { return t.trim().toLowerCase(); });
        list.replaceChildren.apply(list, data.tags
          .filter(function (name) { return taken.indexOf(name.toLowerCase()) < 0; })
          .map(function (name) {
            var option = document.createElement("option");
            option.value = before + (name.indexOf(",") < 0 ? name : '"' + name + '"');
            return option;
          }));
      })
      .catch(function () {});
  }
});
