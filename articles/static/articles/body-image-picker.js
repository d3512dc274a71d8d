// The body editor's image picker (a popup opened by the Figure dialog's
// "Browse…" button). Picking an image, or uploading one, hands its URL, alt
// text and caption to the dialog in the opener through the CKEditor-style
// callback django-prose-editor listens on, then closes the popup.
(function () {
  "use strict";

  function send(root, element) {
    const callback = root.dataset.callback;
    const tools = window.opener && window.opener.CKEDITOR && window.opener.CKEDITOR.tools;
    if (!callback || !tools) return false;
    tools.callFunction(Number(callback), element.dataset.url, {
      alternative_text: element.dataset.alt || "",
      caption: element.dataset.caption || "",
    });
    window.close();
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const root = document.querySelector(".body-images");
    if (!root) return;
    const picked = root.querySelector("[data-picked]");
    if (picked) send(root, picked);
    root.addEventListener("click", function (event) {
      const button = event.target.closest("[data-pick]");
      if (button) send(root, button);
    });
  });
})();
