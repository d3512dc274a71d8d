// Accessible names for the admin's script-built controls: the body editor, the
// autocomplete pickers (select2) and the filter boxes of multiple selects. Each
// replaces a form control whose <label> then points at something hidden.
(function () {
  "use strict";

  function labelFor(id) {
    const label = id && document.querySelector('label[for="' + CSS.escape(id) + '"]');
    if (!label) return null;
    if (!label.id) label.id = id + "_label";
    return label;
  }

  function nameEditor(editable) {
    // django-prose-editor hides the textarea and edits a sibling contenteditable.
    const wrapper = editable.closest(".prose-editor");
    const textarea = wrapper && (wrapper.querySelector("textarea") ||
      wrapper.parentElement.querySelector("textarea"));
    const label = textarea && labelFor(textarea.id);
    if (!label || editable.getAttribute("aria-labelledby") === label.id) return;
    editable.setAttribute("aria-labelledby", label.id);
    if (!editable.hasAttribute("aria-multiline")) editable.setAttribute("aria-multiline", "true");
    label.addEventListener("click", function () { editable.focus(); });
  }

  function namePicker(selection) {
    // select2 names its box by the chosen value only; empty, it has no name.
    const shown = selection.getAttribute("aria-labelledby") || "";
    const match = /^select2-(.+)-container$/.exec(shown);
    const label = match && labelFor(match[1]);
    if (!label) return;
    selection.setAttribute("aria-labelledby", label.id + " " + shown);
    // The value inside is a read-only textbox of its own: name it the same way.
    const rendered = document.getElementById(shown);
    if (rendered) rendered.setAttribute("aria-labelledby", label.id + " " + shown);
  }

  function nameFilterIcon(icon) {
    // SelectFilter2 gives a bare <span> an aria-label, which needs a role.
    if (icon.hasAttribute("aria-label") && !icon.hasAttribute("role")) {
      icon.setAttribute("role", "img");
    }
  }

  function fix(root) {
    root.querySelectorAll(".prose-editor [contenteditable=true]").forEach(nameEditor);
    root.querySelectorAll(".select2-selection[aria-labelledby]").forEach(namePicker);
    root.querySelectorAll(".search-label-icon").forEach(nameFilterIcon);
  }

  let queued = false;
  new MutationObserver(function () {
    if (queued) return;
    queued = true;
    requestAnimationFrame(function () { queued = false; fix(document); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { fix(document); });
  window.addEventListener("load", function () { fix(document); });
})();
