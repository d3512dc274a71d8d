/* Saved articles on cached pages.
 *
 * Pages carry no per-reader state, so this script asks /accounts/saved/ids/ who is
 * signed in and what they saved, and /accounts/csrf/ for a token before posting.
 * Guests keep their saved ids in localStorage; after signing in they are merged
 * into the account with one POST.
 */
(function () {
  "use strict";

  var STORE = "digest.savedArticles";
  var MERGE_LIMIT = 500;
  var state = { authenticated: false, ids: new Set(), following: new Set(), token: null };

  function guestIds() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(ids) ? ids.filter(Number.isInteger) : [];
    } catch (e) {
      return [];
    }
  }

  function setGuestIds(ids) {
    try {
      if (ids.length) {
        window.localStorage.setItem(STORE, JSON.stringify(ids.slice(-MERGE_LIMIT)));
      } else {
        window.localStorage.removeItem(STORE);
      }
    } catch (e) {
      /* storage may be disabled; saving then lasts for this page only */
    }
  }

  function getJSON(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    }).then(function (response) {
      if (!response.ok) throw new Error(url + " answered " + response.status);
      return response.json();
    });
  }

  function csrfToken() {
    if (state.token) return Promise.resolve(state.token);
    return getJSON("/accounts/csrf/").then(function (data) {
      state.token = data.token;
      return state.token;
    });
  }

  function post(url, body) {
    return csrfToken().then(function (token) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRFToken": token,
        },
        body: body ? JSON.stringify(body) : "{}",
      }).then(function (response) {
        if (!response.ok) throw new Error(url + " answered " + response.status);
        return response.json();
      });
    });
  }

  function render() {
    document.querySelectorAll("[data-article-id].save-button").forEach(function (button) {
      var saved = state.ids.has(Number(button.dataset.articleId));
      // The page has it as a link to sign in; with this script it is a toggle.
      button.setAttribute("role", "button");
      button.setAttribute("aria-pressed", saved ? "true" : "false");
      button.classList.toggle("is-saved", saved);
      button.textContent = saved
        ? document.body.dataset.labelSaved || "Saved"
        : document.body.dataset.labelSave || "Save";
    });
  }

  function renderFollows() {
    document.querySelectorAll("[data-category-slug].follow-button").forEach(function (button) {
      var on = state.following.has(button.dataset.categorySlug);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("is-following", on);
      button.textContent = on
        ? button.dataset.labelFollowing || "Following"
        : button.dataset.labelFollow || "Follow";
    });
  }

  function toggleFollow(button) {
    var slug = button.dataset.categorySlug;
    post(button.dataset.toggleUrl).then(function (data) {
      if (data.following) state.following.add(slug);
      else state.following.delete(slug);
      renderFollows();
    });
  }

  function toggle(button) {
    var id = Number(button.dataset.articleId);
    if (!state.authenticated) {
      if (state.ids.has(id)) state.ids.delete(id);
      else state.ids.add(id);
      setGuestIds(Array.from(state.ids));
      render();
      return;
    }
    // The page names the URL of article 0; each button's article takes its place.
    post(document.body.dataset.saveUrl.replace("/0/", "/" + id + "/")).then(function (data) {
      if (data.saved) state.ids.add(id);
      else state.ids.delete(id);
      render();
    });
  }

  function start() {
    document.addEventListener("click", function (event) {
      var follow = event.target.closest("[data-category-slug].follow-button");
      if (follow && state.authenticated) {
        event.preventDefault();
        toggleFollow(follow);
        return;
      }
      var button = event.target.closest("[data-article-id].save-button");
      if (!button) return;
      event.preventDefault();
      toggle(button);
    });

    getJSON("/accounts/saved/ids/")
      .then(function (data) {
        state.authenticated = Boolean(data.authenticated);
        if (!state.authenticated) {
          state.ids = new Set(guestIds());
          return;
        }
        state.ids = new Set(data.ids);
        state.following = new Set(data.following || []);
        var pending = guestIds();
        if (!pending.length) return;
        return post("/accounts/saved/merge/", { ids: pending.slice(-MERGE_LIMIT) })
          .then(function () {
            setGuestIds([]);
            return getJSON("/accounts/saved/ids/");
          })
          .then(function (fresh) {
            state.ids = new Set(fresh.ids);
          });
      })
      .catch(function () {
        state.ids = new Set(guestIds());
      })
      .then(function () {
        render();
        renderFollows();
        document.documentElement.setAttribute("data-accounts-ready", "");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
