/* Runs in <head> before the page renders, so saved choices apply without a flash. */
(function () {
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  try {
    var theme = localStorage.getItem("digest:theme");
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
    var size = localStorage.getItem("digest:text-size");
    if (size) root.setAttribute("data-text-size", size);
  } catch (e) { /* storage blocked: defaults apply */ }
  if (/(?:^|;\s*)cookie_consent=1(?:;|$)/.test(document.cookie)) {
    root.classList.add("cookies-accepted");
  }
})();
