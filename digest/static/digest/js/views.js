/* Count one view of the article on this page: POST its signed token once the page is
   really shown (not while prerendered, not when prefetched). See articles/views_count.py. */
(function () {
  "use strict";
  var el = document.querySelector("[data-view-beacon]");
  if (!el) return;
  function send() {
    var body = new FormData();
    body.append("token", el.dataset.token);
    if (navigator.sendBeacon && navigator.sendBeacon(el.dataset.url, body)) return;
    fetch(el.dataset.url, { method: "POST", body: body, credentials: "same-origin", keepalive: true });
  }
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
