// 写作教练 autosave: Streamlit's text boxes send their text only on blur or Ctrl+Enter, so text typed
// and then lost to a refresh or a closed tab was never saved. This script (run once in the page)
// commits a box ~1.5 s after the last keystroke exactly as Ctrl+Enter would, without taking the
// caret away, and asks before the page is closed while a commit is still pending.
(function () {
  if (window.__coachAutosave) return;
  window.__coachAutosave = true;
  var DELAY = 1500;
  var pending = new Map();

  function editable(el) {
    return el instanceof HTMLTextAreaElement ||
      (el instanceof HTMLInputElement && (el.type === "text" || el.type === "search"));
  }

  function commit(el) {
    pending.delete(el);
    if (!document.contains(el)) return;
    if (el.__coachComposing) { schedule(el); return; }  // never commit half an IME syllable
    // Streamlit commits a text area on Ctrl+Enter and a text input on Enter (its own key handlers)
    el.dispatchEvent(new KeyboardEvent("keydown", {
      key: "Enter", code: "Enter", ctrlKey: el instanceof HTMLTextAreaElement,
      bubbles: true, cancelable: true
    }));
  }

  function schedule(el) {
    clearTimeout(pending.get(el));
    pending.set(el, setTimeout(function () { commit(el); }, DELAY));
  }

  document.addEventListener("input", function (e) {
    if (editable(e.target)) schedule(e.target);
  }, true);
  document.addEventListener("compositionstart", function (e) { e.target.__coachComposing = true; }, true);
  document.addEventListener("compositionend", function (e) {
    e.target.__coachComposing = false;
    if (editable(e.target)) schedule(e.target);
  }, true);
  // leaving the box commits it anyway (Streamlit does that on blur): nothing is pending then
  document.addEventListener("focusout", function (e) {
    if (pending.has(e.target)) { clearTimeout(pending.get(e.target)); pending.delete(e.target); }
  }, true);
  window.addEventListener("beforeunload", function (e) {
    if (pending.size) {
      pending.forEach(function (_, el) { commit(el); });
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();
