/* Live polls (现场表决) on the hearing page, the host console and the projector. Uses the live queue's
   Socket.IO connection (hearings-live.js): `poll_sync` on every (re)connect, then `poll` / `poll_host` and
   `poll_results` events, each carrying the poll's version (the newest wins). Answers go over the socket with
   a client id (a retry never answers twice); without a connection the form posts as it is. */
(function () {
  "use strict";
  const section = document.querySelector("[data-polls-mode]");
  const live = window.HearingsLive;
  if (!section || !live || !live.socket) return;

  const mode = section.dataset.pollsMode; // public | host | projector
  const hearingId = Number(section.dataset.hearingId);
  const list = section.querySelector('[data-slot="polls"]');
  const csrf = section.dataset.formToken || ""; // signed-in pages only
  const answerUrl = section.dataset.answerUrl || ""; // …/polls/0/answer
  const actionUrl = section.dataset.actionUrl || ""; // …/polls/0/ACTION
  const loginUrl = section.dataset.loginUrl || "";
  const signedIn = section.dataset.signedIn === "true";
  const socket = live.socket;
  const state = { polls: new Map(), mine: new Map(), anonymousOk: section.dataset.anonymousOk === "true" };
  const clientIds = new Map(); // poll id → the client id of this page's answer (retries reuse it)
  const messages = new Map(); // poll id → the last message shown under its form
  window.HearingsPolls = state;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    });
    children.flat().forEach((c) => { if (c) node.append(c); });
    return node;
  }

  // A browser without an account answers with a signed device token it keeps (one answer per browser where the
  // host allows anonymous answers); the page itself sets no cookie.
  const DEVICE_KEY = "hearing_device";
  let device = null;
  let deviceAsked = null;
  function withDevice(then) {
    if (signedIn || mode !== "public") return then();
    if (device === null) {
      try { device = localStorage.getItem(DEVICE_KEY); } catch (e) { device = null; }
    }
    if (device) return then();
    if (!deviceAsked) {
      deviceAsked = fetch(section.dataset.deviceUrl, { credentials: "same-origin", cache: "no-store" })
        .then((r) => (r.ok ? r.json() : {}))
        .then((d) => {
          device = d.device || "";
          try { if (device) localStorage.setItem(DEVICE_KEY, device); } catch (e) { /* private mode: this page only */ }
        })
        .catch(() => { deviceAsked = null; });
    }
    deviceAsked.then(then);
  }

  function sync() {
    withDevice(() => socket.emit("poll_sync", { hearing_id: hearingId, device: device || undefined }, (ack) => {
      if (!ack || !ack.ok) return;
      state.polls = new Map(ack.polls.map((p) => [p.id, p]));
      state.mine = new Map(Object.entries(ack.mine).map(([id, c]) => [Number(id), c]));
      state.anonymousOk = ack.can_answer_anonymously;
      render();
    }));
  }
  socket.on("connect", sync);
  if (socket.connected) sync();

  function newer(id, version) {
    const known = state.polls.get(id);
    return !known || version > known.version;
  }
  socket.on(mode === "host" ? "poll_host" : "poll", (p) => {
    if (p.hearing_id !== hearingId || !newer(p.id, p.version)) return;
    const before = state.polls.get(p.id);
    if (mode !== "host" && p.state === "open" && (!before || before.state !== "open") && window.PortalAnnounce) {
      window.PortalAnnounce("新的现场表决：" + p.question);
    }
    state.polls.set(p.id, p);
    render();
  });
  socket.on("poll_results", (r) => {
    const p = state.polls.get(r.poll_id);
    if (r.hearing_id !== hearingId || !p || r.version <= p.version) return;
    p.version = r.version;
    p.total = r.total;
    p.counts = r.counts;
    render();
  });

  // --- rendering --------------------------------------------------------------------------------
  let queued = false;
  function render() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      draw();
    });
  }

  function visiblePolls() {
    const all = Array.from(state.polls.values()).sort((a, b) => b.id - a.id);
    if (mode !== "projector") return all;
    const open = all.find((p) => p.state === "open");
    const shown = all.find((p) => p.results_shown);
    return [open || shown].filter(Boolean);
  }

  function draw() {
    const polls = visiblePolls();
    section.hidden = mode !== "host" && !polls.length;
    // Keep what a person is choosing: a card whose poll did not change is left as it is.
    const keep = new Map(Array.from(list.children).map((c) => [c.dataset.pollId + ":" + c.dataset.key, c]));
    const checked = new Map(Array.from(list.querySelectorAll("[data-poll-id]")).map((c) => [
      Number(c.dataset.pollId), Array.from(c.querySelectorAll("input[name=choice]:checked")).map((i) => i.value),
    ]));
    list.replaceChildren(...polls.map((p) => {
      const key = cardKey(p);
      const kept = keep.get(p.id + ":" + key);
      if (kept) return kept;
      const fresh = card(p, key);
      (checked.get(p.id) || []).forEach((v) => {
        const input = fresh.querySelector('input[name=choice][value="' + v + '"]');
        if (input) input.checked = true;
      });
      return fresh;
    }));
    const empty = section.querySelector('[data-slot="polls-empty"]');
    if (empty) empty.hidden = polls.length > 0;
  }

  function cardKey(p) {
    const mine = state.mine.get(p.id);
    return [p.version, p.state, p.results_shown, mine ? mine.join(",") : "", messages.get(p.id) || ""].join("|");
  }

  function card(p, key) {
    const mine = state.mine.get(p.id);
    const art = el("article", {
      class: "poll-card", id: "poll-" + p.id, "data-poll-id": p.id, "data-key": key, "data-state": p.state,
      "data-testid": "poll",
    });
    const css = { open: "status-danger", closed: "status-muted", draft: "status-info" }[p.state];
    art.append(el("div", { class: "poll-head" },
      el("h3", { class: "poll-question", text: p.question }),
      el("p", { class: "poll-meta" },
        el("span", { class: "status " + css, text: p.state_label }), " ",
        el("span", { class: "muted", text: (p.multiple ? "多选" : "单选") + (p.allow_anonymous ? " · 无需登录" : "") }))));
    if (mode === "public") {
      if (mine) {
        const labels = p.options.filter((o) => mine.includes(o.id)).map((o) => o.label).join("、");
        art.append(el("p", { class: "poll-mine", "data-testid": "poll-mine", text: "您已参与：" + labels }));
      } else if (p.state === "open" && (signedIn || (p.allow_anonymous && state.anonymousOk))) {
        art.append(answerForm(p));
      } else if (p.state === "open") {
        art.append(el("p", { class: "muted" }, "请", el("a", { href: loginUrl, text: "登录" }), "后参与表决。"));
      }
    }
    if (p.counts && (mode === "host" || p.results_shown)) art.append(results(p));
    else if (p.state !== "draft") art.append(el("p", { class: "muted poll-hidden", text: "结果待主持人公布" }));
    if (mode === "host") art.append(hostActions(p));
    if (mode === "projector" && p.state === "open") {
      art.append(el("p", { class: "poll-hint", text: "扫描二维码或访问参会码页面参与表决" }));
    }
    return art;
  }

  function results(p) {
    const total = p.total || 0;
    const ul = el("ul", { class: "plain poll-results", "data-testid": "poll-results" });
    p.options.forEach((o) => {
      const n = p.counts[String(o.id)] || 0;
      const pct = total ? Math.round((n / total) * 100) : 0;
      ul.append(el("li", { "data-option-id": o.id },
        el("span", { class: "poll-label", text: o.label }),
        el("progress", { max: Math.max(total, 1), value: n, "aria-label": o.label }),
        el("span", { class: "poll-count", "data-testid": "poll-count", text: n + " 票（" + pct + "%）" })));
    });
    const note = p.results_shown ? "" : "（仅主持人可见，尚未公布）";
    return el("div", { class: "poll-result-box" }, ul,
      el("p", { class: "muted poll-total", "data-testid": "poll-total", text: "共 " + total + " 人参与" + note }));
  }

  function answerForm(p) {
    const form = el("form", {
      method: "post", action: answerUrl.replace("/0/", "/" + p.id + "/"), class: "poll-form", "data-testid": "poll-form",
    });
    if (csrf) form.append(el("input", { type: "hidden", name: "csrf_token", value: csrf }));
    const fieldset = el("fieldset", {}, el("legend", { class: "visually-hidden", text: p.question }));
    p.options.forEach((o) => {
      fieldset.append(el("label", { class: "poll-option" },
        el("input", { type: p.multiple ? "checkbox" : "radio", name: "choice", value: o.id }), " " + o.label));
    });
    const status = el("p", { class: "poll-status", role: "status", "data-slot": "poll-status", text: messages.get(p.id) || "" });
    form.append(fieldset, el("div", { class: "actions" }, el("button", { type: "submit", class: "button", text: "提交" })), status);
    form.addEventListener("submit", (event) => {
      if (!socket.connected) return; // the form posts
      event.preventDefault();
      const choices = Array.from(form.querySelectorAll("input[name=choice]:checked")).map((i) => Number(i.value));
      if (!choices.length) {
        status.textContent = "请先选择选项";
        return;
      }
      if (!clientIds.has(p.id)) clientIds.set(p.id, live.newId());
      form.querySelector("button").disabled = true;
      const payload = { poll_id: p.id, choices, client_id: clientIds.get(p.id), device: device || undefined };
      socket.timeout(15000).emit("poll_answer", payload, (err, ack) => {
        form.querySelector("button").disabled = false;
        if (!err && ack && ack.ok) {
          state.mine.set(p.id, ack.choices);
          messages.delete(p.id);
          if (window.PortalAnnounce) window.PortalAnnounce("已提交表决");
        } else {
          const message = err ? "网络不稳定，请重试" : (ack && ack.error && ack.error.message) || "提交失败，请重试";
          messages.set(p.id, message);
          status.textContent = message;
          if (ack && ack.error && ack.error.code === "conflict") sync();
          return;
        }
        render();
      });
    });
    return form;
  }

  const ACTIONS = {
    draft: [["open", "开始表决"]],
    open: [["show", "公布结果"], ["hide", "隐藏结果"], ["close", "结束表决"]],
    closed: [["show", "公布结果"], ["hide", "隐藏结果"]],
  };
  function hostActions(p) {
    const box = el("div", { class: "actions poll-actions" });
    (ACTIONS[p.state] || []).forEach(([action, label]) => {
      if (action === "show" && p.results_shown) return;
      if (action === "hide" && !p.results_shown) return;
      const form = el("form", { method: "post", action: actionUrl.replace("/0/ACTION", "/" + p.id + "/" + action), class: "inline-form" },
        el("input", { type: "hidden", name: "csrf_token", value: csrf }),
        el("button", {
          type: "submit", class: "button" + (action === "close" ? " button-danger" : action === "hide" ? " button-secondary" : ""),
          text: label, "data-poll-action": action,
        }));
      form.addEventListener("submit", (event) => {
        if (!socket.connected) return;
        event.preventDefault();
        socket.emit("poll_action", { poll_id: p.id, action }, (ack) => {
          if (ack && ack.ok) {
            if (newer(ack.poll.id, ack.poll.version)) state.polls.set(ack.poll.id, ack.poll);
            render();
          } else live.toast((ack && ack.error && ack.error.message) || "操作失败", "warn");
        });
      });
      box.append(form);
    });
    return box;
  }

  // The server's first render stays until the first sync arrives.
})();
