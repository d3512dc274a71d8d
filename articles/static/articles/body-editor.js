// The article body editor: django-prose-editor's "configurable" preset, started
// with injectCSS off. Tiptap would otherwise add an inline <style>, which our
// Content-Security-Policy refuses; its CSS ships in tiptap-base.css instead.
import * as prose from "django-prose-editor/editor";

const ATTRIBUTE = "data-django-prose-editor-digest";
const EMPTY = /^<(\w+)(\s[^>]*)?><\/\1>$/i;

// The embed address of a YouTube or Vimeo video, from the address a reader
// copies (watch, share, shorts) or an embed address; "" for anything else.
// The same hosts as digest/sanitize.py's IFRAME_HOSTS.
function videoEmbedUrl(value) {
  let url;
  try {
    url = new URL(String(value || "").trim());
  } catch {
    return "";
  }
  if (url.protocol !== "https:") return "";
  const host = url.hostname.replace(/^(m|www)\./, "");
  const path = url.pathname.split("/").filter(Boolean);
  const id = (value) => (/^[\w-]{6,20}$/.test(value || "") ? value : "");
  let youtube = "";
  if (host === "youtu.be") youtube = id(path[0]);
  else if (host === "youtube.com" || host === "youtube-nocookie.com") {
    if (path[0] === "watch") youtube = id(url.searchParams.get("v"));
    else if (["embed", "shorts", "live"].includes(path[0])) youtube = id(path[1]);
  }
  if (youtube) return `https://www.youtube-nocookie.com/embed/${youtube}`;
  if (host === "vimeo.com" && /^\d+$/.test(path[0] || "")) {
    return `https://player.vimeo.com/video/${path[0]}`;
  }
  if (host === "player.vimeo.com" && path[0] === "video" && /^\d+$/.test(path[1] || "")) {
    return `https://player.vimeo.com/video/${path[1]}`;
  }
  return "";
}

// A YouTube or Vimeo player in the body. Without it the editor's schema would
// drop an <iframe> from a body whenever the article is edited.
const VideoEmbed = prose.Node.create({
  name: "videoEmbed",
  group: "block",
  atom: true,
  draggable: true,

  addAttributes() {
    return { src: { default: null }, title: { default: "" } };
  },

  parseHTML() {
    return [
      {
        tag: "iframe[src]",
        getAttrs: (element) => {
          const src = videoEmbedUrl(element.getAttribute("src"));
          return src ? { src, title: element.getAttribute("title") || "" } : false;
        },
      },
    ];
  },

  renderHTML({ node }) {
    return [
      "iframe",
      {
        src: node.attrs.src,
        title: node.attrs.title || prose.gettext("Video"),
        width: "560",
        height: "315",
        allow: "fullscreen; picture-in-picture",
        allowfullscreen: "true",
      },
    ];
  },

  addCommands() {
    return {
      insertVideo:
        () =>
        ({ editor }) => {
          const properties = {
            url: {
              type: "string",
              title: prose.gettext("Video address (YouTube or Vimeo)"),
              required: true,
            },
            title: { type: "string", title: prose.gettext("Title (for screen readers)") },
          };
          const dialog = prose.updateAttrsDialog(properties, {
            title: prose.gettext("Insert video"),
            submitText: prose.gettext("Insert"),
          });
          const ask = (values) =>
            dialog(editor, values).then((attrs) => {
              if (!attrs) return;
              const src = videoEmbedUrl(attrs.url);
              if (!src) {
                window.alert(
                  prose.gettext("Give the address of a YouTube or Vimeo video."),
                );
                ask(attrs);
                return;
              }
              editor
                .chain()
                .focus()
                .insertContent({ type: this.name, attrs: { src, title: attrs.title } })
                .run();
            });
          ask({ url: "", title: "" });
          return true;
        },
    };
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "videoEmbed",
      groups: "nodes",
      button: buttons.material("smart_display", "video"),
      command(editor) {
        editor.chain().insertVideo().run();
      },
      active(editor) {
        return editor.isActive("videoEmbed");
      },
    });
  },
});

const LOCAL_EXTENSIONS = { VideoEmbed };

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
  const extensions = Object.entries(config.extensions || {})
    .map(([name, options]) => [LOCAL_EXTENSIONS[name] || prose[name], options])
    .filter(([extension]) => extension)
    .map(([extension, options]) =>
      typeof options === "object" ? extension.configure(options) : extension,
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
