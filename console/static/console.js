// The staff console's live parts: the counts in the menu, new requests and red flags in
// the inbox, and the transcript and red-flag banner of an open handoff, refreshed every
// few seconds without a reload.
// Every text is put on the page with textContent, never as HTML.
(function () {
  "use strict";
  const EVERY_MS = 3000;

  async function json(url) {
    const answer = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (answer.status === 401) {
      window.location.href = "/staff/login";
      return null;
    }
    return answer.ok ? answer.json() : null;
  }

  async function counts() {
    const data = await json("/staff/api/counts");
    if (!data) return;
    for (const node of document.querySelectorAll("[data-count]")) {
      const value = data[node.dataset.count];
      node.textContent = value ? String(value) : "";
    }
    const inbox = document.getElementById("inbox");
    const changed = inbox && (data.handoffs > Number(inbox.dataset.known) ||
                              data.alerts !== Number(inbox.dataset.alerts));
    if (changed) {
      document.getElementById("new-handoffs").hidden = false;
      window.location.reload();
    }
  }

  async function transcript() {
    const list = document.getElementById("transcript");
    if (!list) return;
    const data = await json(list.dataset.source);
    if (!data) return;
    const alert = document.getElementById("handoff-alert");
    if (alert) {
      alert.textContent = data.alert || "";
      alert.hidden = !data.alert;
    }
    const items = data.lines.map((line) => {
      const item = document.createElement("li");
      item.className = line.speaker;
      const at = document.createElement("span");
      at.className = "at";
      at.textContent = line.at;
      const who = document.createElement("b");
      who.textContent = line.speaker;
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = line.text;
      item.append(at, " ", who, " ", text);
      return item;
    });
    if (items.length !== list.children.length ||
        items.some((item, i) => item.textContent !== list.children[i].textContent)) {
      list.replaceChildren(...items);
    }
  }

  if (!document.querySelector("[data-count]")) return; // the login page: nothing to refresh

  function tick() {
    counts().catch(() => {});
    transcript().catch(() => {});
  }
  tick();
  setInterval(tick, EVERY_MS);
})();
