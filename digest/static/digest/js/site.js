/* Digest: small progressive enhancements. Every feature works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  var SIZES = ["small", "medium", "large", "xlarge"];

  function store(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }

  function $all(selector, scope) {
    return Array.prototype.slice.call((scope || document).querySelectorAll(selector));
  }

  /* Cookie bar: set the cookie here and hide the bar; the form posts without JS. */
  function initCookieBar() {
    var form = document.querySelector("[data-cookie-accept]");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var secure = location.protocol === "https:" ? "; Secure" : "";
      document.cookie = "cookie_consent=1; Max-Age=31536000; Path=/; SameSite=Lax" + secure;
      root.classList.add("cookies-accepted");
    });
  }

  /* Theme: follows the system until the reader picks one. */
  function currentTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function initTheme() {
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    var sync = function () { button.setAttribute("aria-pressed", String(currentTheme() === "dark")); };
    sync();
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store("digest:theme", next);
      sync();
    });
  }

  /* Disclosure helper: a button with aria-expanded controlling the element it names. */
  function setExpanded(button, open) {
    button.setAttribute("aria-expanded", String(open));
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (target && target.hasAttribute("data-disclosure-hidden")) target.hidden = !open;
  }

  function closeOnOutside(button, container) {
    document.addEventListener("click", function (event) {
      if (button.getAttribute("aria-expanded") === "true" && !container.contains(event.target)) {
        setExpanded(button, false);
      }
    });
    container.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setExpanded(button, false);
        button.focus();
      }
    });
  }

  function initTextSize() {
    var wrapper = document.querySelector("[data-textsize]");
    if (!wrapper) return;
    var toggle = wrapper.querySelector("[data-textsize-toggle]");
    var panel = document.getElementById(toggle.getAttribute("aria-controls"));
    panel.setAttribute("data-disclosure-hidden", "");
    var options = $all("[data-size]", panel);
    var sync = function () {
      var size = root.getAttribute("data-text-size") || "medium";
      options.forEach(function (o) { o.setAttribute("aria-pressed", String(o.getAttribute("data-size") === size)); });
    };
    sync();
    toggle.addEventListener("click", function () {
      setExpanded(toggle, toggle.getAttribute("aria-expanded") !== "true");
    });
    options.forEach(function (option) {
      option.addEventListener("click", function () {
        var size = option.getAttribute("data-size");
        if (SIZES.indexOf(size) < 0) return;
        root.setAttribute("data-text-size", size);
        store("digest:text-size", size);
        sync();
      });
    });
    closeOnOutside(toggle, wrapper);
  }

  /* Menu: a menu button on phones, and buttons opening each section's sub-menu. */
  function initMenu() {
    var nav = document.querySelector("[data-site-nav]");
    var menuButton = document.querySelector("[data-menu-toggle]");
    if (menuButton && nav) {
      menuButton.addEventListener("click", function () {
        var open = menuButton.getAttribute("aria-expanded") !== "true";
        menuButton.setAttribute("aria-expanded", String(open));
        nav.classList.toggle("is-open", open);
      });
    }
    $all("[data-submenu-toggle]").forEach(function (button) {
      var item = button.parentElement;
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        $all("[data-submenu-toggle][aria-expanded='true']").forEach(function (other) {
          if (other !== button) { other.setAttribute("aria-expanded", "false"); other.parentElement.classList.remove("is-open"); }
        });
        button.setAttribute("aria-expanded", String(open));
        item.classList.toggle("is-open", open);
      });
      item.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
          button.setAttribute("aria-expanded", "false");
          item.classList.remove("is-open");
          button.focus();
        }
      });
      document.addEventListener("click", function (event) {
        if (!item.contains(event.target) && button.getAttribute("aria-expanded") === "true") {
          button.setAttribute("aria-expanded", "false");
          item.classList.remove("is-open");
        }
      });
    });
  }

  /* Copy link: copies instead of navigating when the clipboard is available. */
  function initCopyLink() {
    $all("[data-copy-link]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!navigator.clipboard) return;
        event.preventDefault();
        var status = link.parentElement.querySelector("[data-copy-status]");
        navigator.clipboard.writeText(link.href).then(function () {
          if (status) status.textContent = "Link copied";
        }, function () {
          if (status) status.textContent = "Copy failed: use the link";
        });
      });
    });
  }

  /* Sign-in modal: opens over the page; posts to the sign-in page with a fresh token. */
  function initSignIn() {
    var dialog = document.querySelector("[data-signin-modal]");
    var opener = document.querySelector("[data-signin-open]");
    if (!dialog || !opener || typeof dialog.showModal !== "function") return;
    var form = dialog.querySelector("[data-signin-form]");
    var error = dialog.querySelector("[data-signin-error]");
    opener.addEventListener("click", function (event) {
      event.preventDefault();
      error.hidden = true;
      dialog.showModal();
      var first = form.querySelector("input[name=username]");
      if (first) first.focus();
    });
    dialog.querySelector("[data-signin-close]").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    form.addEventListener("submit", function (event) {
      if (form.querySelector("input[name=csrfmiddlewaretoken]")) return;
      event.preventDefault();
      fetch(form.action, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var token = doc.querySelector("input[name=csrfmiddlewaretoken]");
          if (!token) throw new Error("no token");
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = "csrfmiddlewaretoken";
          input.value = token.value;
          form.appendChild(input);
          form.submit();
        })
        .catch(function () {
          error.textContent = "Sign-in is unavailable right now. Opening the sign-in page…";
          error.hidden = false;
          window.location.href = opener.href;
        });
    });
  }

  initCookieBar();
  initTheme();
  initTextSize();
  initMenu();
  initCopyLink();
  initSignIn();
})();
