// exposure: keyboard shortcuts for the review queue and the post page.
// Pages work without this file; it only adds keys. No inline script is
// allowed by the Content-Security-Policy, so everything lives here.
(function () {
  "use strict";

  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || el.isContentEditable;
  }

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue > li.qitem"));
  }

  var cur = -1;

  function select(i, scroll) {
    var list = items();
    if (list.length === 0) return;
    i = Math.max(0, Math.min(i, list.length - 1));
    if (cur >= 0 && list[cur]) list[cur].classList.remove("current");
    cur = i;
    list[cur].classList.add("current");
    list[cur].setAttribute("tabindex", "-1");
    if (scroll) list[cur].scrollIntoView({ block: "nearest" });
  }

  // The item to act on: the selected queue item, or the post page itself.
  function scope() {
    var list = items();
    if (list.length > 0 && cur >= 0) return list[cur];
    return document.getElementById("post");
  }

  function confirmCurrent() {
    var s = scope();
    var b = s && s.querySelector("form.decide button[value=confirm]");
    if (b) b.click();
  }

  function dismissCurrent() {
    var s = scope();
    var input = s && s.querySelector("form.decide input[name=reason]");
    if (input) input.focus();
  }

  function openCurrent() {
    var s = scope();
    var a = s && s.querySelector("a.open");
    if (a) window.location.assign(a.href);
  }

  // On a post page, j goes to the next new flag.
  function nextPost() {
    var a = document.querySelector("a[rel=next]");
    if (a) window.location.assign(a.href);
  }

  function start() {
    var list = items();
    if (list.length > 0) {
      var at = 0;
      var id = window.location.hash.slice(1);
      if (id) {
        for (var i = 0; i < list.length; i++) if (list[i].id === id) at = i;
      }
      select(at, id !== "");
      list.forEach(function (li, i) {
        li.addEventListener("click", function () { select(i, false); });
      });
    }
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === "Escape" && typing(document.activeElement)) {
        document.activeElement.blur();
        return;
      }
      if (typing(e.target)) return;
      switch (e.key) {
        case "j": case "ArrowDown":
          if (items().length) { select(cur + 1, true); e.preventDefault(); }
          else if (e.key === "j") nextPost();
          break;
        case "k": case "ArrowUp":
          if (items().length) { select(cur - 1, true); e.preventDefault(); }
          break;
        case "c":
          confirmCurrent(); e.preventDefault();
          break;
        case "d":
          // The reason field is focused on key up, so the "d" itself is
          // never typed into it.
          e.preventDefault();
          break;
        case "o":
          openCurrent(); e.preventDefault();
          break;
      }
    });
    document.addEventListener("keyup", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
      if (e.key === "d") dismissCurrent();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
