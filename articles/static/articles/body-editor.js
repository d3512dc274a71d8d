// The article body editor: django-prose-editor's "configurable" preset, started
// with injectCSS off. Tiptap would otherwise add an inline <style>, which our
// Content-Security-Policy refuses; its CSS ships in tiptap-base.css instead.
import * as prose from "django-prose-editor/editor";

const ATTRIBUTE = "data-django-prose-editor-digest";
const EMPTY = /^<(\w+)(\s[^>]*)?><\/\1>$/i;

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
  const extensions = Object.entries(config.extensions || {})
    .filter(([name]) => prose[name])
    .map(([name, options]) =>
      typeof options === "object" ? prose[name].configure(options) : prose[name],
    );
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = document.createElement("div");
  wrapper.className = disabled ? "prose-editor disabled" : "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new prose.Editor({
    element: wrapper,
    editable: !disabled,
    extensions,
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = EMPTY.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
  textarea.dispatchEvent(
    new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }),
  );
  return editor;
}

prose.initializeEditors(createEditor, `[${ATTRIBUTE}]`);
