/* The live question queue: one Socket.IO connection to /hearings, state rebuilt from the server's
   snapshot and kept current by events carrying the hearing's seq. A gap in seq or a reconnect asks
   for `sync`, so the page always ends in exactly the server's state. Used by the public page, the
   projector and the consoles (hearings-console.js adds the buttons there). */
(function () {
  "use strict";
  const root = document.getElementById("live-root");
  if (!root || typeof io === "undefined") return;

  const hearingId = Number(root.dataset.hearingId);
  const mode = root.dataset.mode || "public";
  const loggedIn = root.dataset.loggedIn === "true";
  const limit = Number(root.dataset.limit || 0);
  const template = document.getElementById("tpl-question");
  const slot = (name, el) => (el || root).querySelector('[data-slot="' + name + '"]');
  const VOTABLE = new Set(["approved", "answering"]);
  const STATE_CSS = { answering: "status-danger", answered: "status-ok", approved: "status-info" };

  const state = {
    seq: -1, joined: false, buffered: [], hearing: null, questions: new Map(), now: null, next: null,
    counts: {}, presence: 0, mine: new Map(), voted: new Set(), pending: new Map(), sort: "votes",
    commitments: new Map(),
  };
  // Votes sent but not yet acknowledged (question id → voted?): a snapshot taken before the server
  // wrote them (a reconnect sends the buffered vote and the join together) must not undo them.
  const votesInFlight = new Map();
  const live = { state, socket: null, decorate: null, render: scheduleRender, toast: toast, newId: newId };
  window.HearingsLive = live;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function toast(message, kind) {
    const box = slot("connection");
    if (!box) return;
    box.textContent = message;
    box.dataset.kind = kind || "info";
  }

  // --- connection, snapshot and seq ------------------------------------------------------------
  const socket = io("/hearings", { transports: ["websocket", "polling"] });
  live.socket = socket;
  let syncing = false;

  socket.on("connect", () => {
    toast(mode === "projector" ? "" : "实时连接正常", "ok");
    state.joined = false;
    state.buffered = [];
    socket.emit("join", { hearing_id: hearingId }, (snapshot) => {
      applySnapshot(snapshot);
      state.joined = true;
      root.dataset.joined = "true"; // for tests and styles: the queue shown is the server's
      const early = state.buffered;
      state.buffered = [];
      early.forEach(([name, data]) => handle(name, data));
      retryOutbox();
    });
  });
  socket.on("disconnect", () => {
    toast("连接已断开，正在重新连接…", "warn");
    showOffline(true);
  });
  socket.on("connect_error", () => {
    toast("暂时无法连接实时服务，正在重试…", "warn");
    showOffline(true);
  });
  socket.on("connect", () => showOffline(false));
  // The browser knows before the socket's heartbeat does: drop the connection at once when it goes
  // offline (asking then keeps the question for later), and reconnect as soon as it is back.
  window.addEventListener("offline", () => { if (socket.connected) socket.disconnect(); showOffline(true); });
  window.addEventListener("online", () => { if (!socket.connected) socket.connect(); });

  // The offline notice stays in view wherever the person has scrolled (fixed to the bottom edge).
  let banner = null;
  function showOffline(offline) {
    if (mode === "projector") return;
    if (!banner) {
      banner = document.createElement("p");
      banner.className = "offline-banner";
      banner.setAttribute("role", "status");
      banner.dataset.testid = "offline-banner";
      banner.hidden = true;
      document.body.append(banner);
    }
    const waiting = outboxSize();
    banner.textContent = offline
      ? "网络连接已断开，正在重新连接…" + (waiting ? "您的 " + waiting + " 个问题已保存在本机，恢复连接后自动提交。" : "")
      : "";
    banner.hidden = !offline;
  }

  function sync() {
    if (syncing) return;
    syncing = true;
    socket.emit("sync", { hearing_id: hearingId }, (snapshot) => {
      syncing = false;
      applySnapshot(snapshot);
    });
  }

  function applySnapshot(s) {
    if (!s || !s.ok) {
      toast((s && s.error && s.error.message) || "加载失败，请刷新页面", "warn");
      return;
    }
    state.seq = s.seq;
    state.hearing = s.hearing;
    state.questions = new Map(s.questions.map((q) => [q.id, q]));
    state.now = s.now;
    state.next = s.next;
    state.counts = s.counts;
    state.presence = s.presence;
    state.mine = new Map(s.mine.map((q) => [q.id, q]));
    state.voted = new Set(s.voted);
    votesInFlight.forEach((voted, id) => { if (voted) state.voted.add(id); else state.voted.delete(id); });
    if (s.commitments) state.commitments = new Map(s.commitments.map((c) => [c.id, c]));
    state.pending = new Map(s.pending.map((q) => [q.id, q]));
    drainHeld(); // events newer than the snapshot that arrived while it was on its way
    scheduleRender();
  }

  // Events that carry the hearing's seq are applied in seq order. With several server processes joined by
  // Redis, two events can arrive out of order: a later one is held briefly for the missing ones, and only a
  // gap still open after HOLD_MS means an event was missed — then the client resyncs.
  const HOLD_MS = 300;
  const SEQUENCED = new Set(["question", "votes", "now", "hearing", "commitment"]);
  const held = new Map(); // seq -> [name, data]
  let holdTimer = null;

  function drainHeld() {
    for (const seq of Array.from(held.keys())) if (seq <= state.seq) held.delete(seq);
    while (held.has(state.seq + 1)) {
      const [name, data] = held.get(state.seq + 1);
      held.delete(state.seq + 1);
      state.seq = data.seq;
      handlers[name](data);
    }
    if (!held.size && holdTimer) {
      clearTimeout(holdTimer);
      holdTimer = null;
    } else if (held.size && !holdTimer) {
      holdTimer = setTimeout(() => {
        holdTimer = null;
        if (held.size) sync();
      }, HOLD_MS);
    }
  }

  function receive(name, data) {
    if (data.hearing_id !== hearingId || data.seq <= state.seq) return;
    held.set(data.seq, [name, data]);
    drainHeld();
  }

  const handlers = {
    question(data) {
      const q = data.question;
      const before = state.questions.get(q.id);
      if (q.visible && !before) say("新问题：" + q.text);
      else if (q.visible && before.state !== q.state && q.state === "answered") say("已答复：" + q.text);
      if (q.visible) state.questions.set(q.id, q);
      else state.questions.delete(q.id);
      ["now", "next"].forEach((k) => { if (state[k] && state[k].id === q.id) state[k] = q.visible ? q : null; });
      state.counts = data.counts;
    },
    votes(data) {
      Object.entries(data.counts).forEach(([id, n]) => {
        const q = state.questions.get(Number(id));
        if (q && q.votes !== n) voteChanges.set(q.id, q.text);
        if (voteChanges.size && !voteTimer) voteTimer = setTimeout(sayVotes, VOTE_SAY_MS);
        if (q) q.votes = n;
        ["now", "next"].forEach((k) => { if (state[k] && state[k].id === Number(id)) state[k].votes = n; });
      });
    },
    now(data) {
      if (data.now && (!state.now || state.now.id !== data.now.id)) say("正在回答：" + data.now.text);
      state.now = data.now;
      state.next = data.next;
    },
    hearing(data) {
      state.hearing = data.hearing;
      state.counts = data.counts;
    },
    commitment(data) {
      state.commitments.set(data.commitment.id, data.commitment);
    },
    presence(data) {
      if (data.hearing_id === hearingId) state.presence = data.count;
    },
    moderation(data) {
      if (data.hearing_id !== hearingId) return;
      if (data.question.state === "pending" && !state.pending.has(data.question.id)) say("待审核的新问题：" + data.question.text);
      if (data.question.state === "pending") state.pending.set(data.question.id, data.question);
      else state.pending.delete(data.question.id);
    },
    mine(data) {
      if (data.hearing_id !== hearingId) return;
      const before = state.mine.get(data.question.id);
      if (before && before.state !== data.question.state) say("您的问题" + data.question.state_label + "：" + data.question.text);
      state.mine.set(data.question.id, data.question);
    },
  };

  // --- announcements: what changed, said once in the page's polite live region (static/js/announce.js) ---
  // Vote counts change many times a second in a busy hearing: they are said at most every VOTE_SAY_MS,
  // for the few questions whose count changed since.
  const VOTE_SAY_MS = 3000;
  const voteChanges = new Map(); // question id → text
  let voteTimer = null;
  function say(text) {
    if (mode !== "projector" && window.PortalAnnounce) window.PortalAnnounce(text);
  }
  function sayVotes() {
    voteTimer = null;
    const parts = Array.from(voteChanges.keys()).slice(0, 3).map((id) => {
      const q = state.questions.get(id);
      return q ? "“" + shorten(q.text) + "”" + q.votes + " 票" : "";
    }).filter(Boolean);
    voteChanges.clear();
    if (parts.length) say("票数更新：" + parts.join("，"));
  }
  function shorten(text) {
    return text.length > 20 ? text.slice(0, 20) + "…" : text;
  }

  function handle(name, data) {
    if (!state.joined) {
      state.buffered.push([name, data]);
      return;
    }
    if (SEQUENCED.has(name)) receive(name, data);
    else handlers[name](data);
    scheduleRender();
  }
  Object.keys(handlers).forEach((name) => socket.on(name, (data) => handle(name, data)));

  // --- rendering --------------------------------------------------------------------------------
  let renderQueued = false;
  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      render();
    });
  }

  function sorted() {
    const list = Array.from(state.questions.values());
    if (state.sort === "time") list.sort((a, b) => (a.created_at < b.created_at ? 1 : -1) || b.id - a.id);
    else list.sort((a, b) => b.votes - a.votes || (a.created_at < b.created_at ? -1 : 1) || a.id - b.id);
    if (mode === "projector") return list.filter((q) => q.state === "approved");
    return list;
  }

  function fill(li, q) {
    li.dataset.id = q.id;
    li.dataset.state = q.state;
    ["text", "asker", "kind_label", "time", "votes"].forEach((k) => { slot(k, li).textContent = q[k]; });
    const badge = slot("state_label", li);
    badge.textContent = q.state_label;
    badge.className = "status " + (STATE_CSS[q.state] || "status-info");
    slot("merged", li).textContent = q.merged_count ? "已合并 " + q.merged_count + " 条相同问题" : "";
    const panelBadge = slot("panel_badge", li);
    if (panelBadge) panelBadge.hidden = !q.from_panel;
    const answerer = slot("answerer", li);
    if (answerer) {
      answerer.textContent = answererText(q);
      answerer.hidden = !q.answerer;
    }
    const answer = slot("answer_summary", li);
    answer.textContent = q.answer_summary ? "答复：" + q.answer_summary : "";
    answer.hidden = !q.answer_summary;
    const vote = slot("vote", li);
    const mineVote = state.voted.has(q.id);
    vote.setAttribute("aria-pressed", mineVote ? "true" : "false");
    vote.disabled = !VOTABLE.has(q.state) || mode === "projector";
    vote.title = mineVote ? "已投票，再次点击撤回" : "为这个问题投票";
    if (live.decorate) live.decorate(li, q);
  }

  // Who answers (the same words as the server's _macros.html answerer_text): 正在回答：王明（副市长 · 审批局）
  function answererText(q) {
    const a = q.answerer;
    if (!a) return "";
    return (q.state === "answering" ? "正在回答" : "答复人") + "：" + a.name + "（" + a.title + (a.department ? " · " + a.department : "") + "）";
  }
  live.answererText = answererText;

  function renderList(container, items, emptyEl) {
    if (!container) return;
    const existing = new Map(Array.from(container.children).map((li) => [li.dataset.id, li]));
    items.forEach((q, index) => {
      let li = existing.get(String(q.id));
      if (!li) li = template.content.firstElementChild.cloneNode(true);
      existing.delete(String(q.id));
      fill(li, q);
      if (container.children[index] !== li) container.insertBefore(li, container.children[index] || null);
    });
    existing.forEach((li) => li.remove());
    if (emptyEl) emptyEl.hidden = items.length > 0;
  }

  function renderCard(name, q) {
    const box = slot(name);
    if (!box) return;
    box.replaceChildren();
    if (!q) {
      const p = document.createElement("p");
      p.className = "now-empty";
      p.textContent = name === "now" ? "暂无正在回答的问题" : "尚未安排";
      box.append(p);
      return;
    }
    const text = document.createElement("p");
    text.className = "now-text";
    text.textContent = q.text;
    const meta = document.createElement("p");
    meta.className = "now-meta";
    const kind = document.createElement("span");
    kind.className = "badge";
    kind.textContent = q.kind_label;
    if (q.from_panel) {
      const panelBadge = document.createElement("span");
      panelBadge.className = "badge badge-panel";
      panelBadge.textContent = "答辩团提问";
      meta.append(panelBadge, " ");
    }
    meta.append(kind, " " + q.asker + " · " + q.votes + " 票");
    box.append(text, meta);
    if (q.answerer) {
      const who = document.createElement("p");
      who.className = "now-answerer";
      who.dataset.testid = name + "-answerer";
      who.textContent = answererText(q);
      box.append(who);
    }
  }

  function renderMine() {
    const list = slot("mine");
    if (!list) return;
    const mine = Array.from(state.mine.values()).sort((a, b) => b.id - a.id);
    // Redrawn only when a question of one's own changed: an open 修改 form survives the queue's updates.
    const key = mine.map((q) => q.id + ":" + q.state + ":" + q.text).join("|");
    if (list.dataset.key === key) return;
    list.dataset.key = key;
    list.replaceChildren();
    if (!mine.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "您还没有在本场提问。";
      list.append(li);
    }
    mine.forEach((q) => {
      const li = document.createElement("li");
      const badge = document.createElement("span");
      const ok = ["approved", "answering", "answered"].includes(q.state);
      badge.className = "status " + (ok ? "status-ok" : q.state === "rejected" ? "status-danger" : "status-muted");
      badge.textContent = q.state_label;
      li.append(badge, " " + q.text);
      const why = q.reject_reason ? "理由：" + q.reject_reason : q.state === "pending" ? q.held_reason : "";
      if (why) {
        const reason = document.createElement("span");
        reason.className = "reason";
        reason.textContent = why;
        li.append(reason);
      }
      if (q.editable) li.append(mineActions(q, li));
      list.append(li);
    });
  }

  // Until a moderator approves it, the asker may correct the question or withdraw it (rows of the
  // question table: revise, withdraw); moderators see the change at once.
  function mineActions(q, li) {
    const box = document.createElement("span");
    box.className = "mine-actions";
    const act = (payload, done) => socket.emit("moderate", Object.assign({ hearing_id: hearingId, question_id: q.id }, payload), (ack) => {
      if (!ack || !ack.ok) toast((ack && ack.error && ack.error.message) || "操作失败，请重试", "warn");
      else if (done) done();
    });
    const edit = document.createElement("button");
    edit.type = "button";
    edit.className = "button button-small button-secondary";
    edit.textContent = "修改";
    edit.addEventListener("click", () => {
      if (li.querySelector("form")) return;
      const form = document.createElement("form");
      form.className = "inline-panel";
      const label = document.createElement("label");
      label.textContent = "修改问题（审核前可改，原文保留在记录中）";
      const area = document.createElement("textarea");
      area.rows = 2;
      area.value = q.text;
      area.id = "revise-" + q.id;
      label.htmlFor = area.id;
      const save = document.createElement("button");
      save.type = "submit";
      save.className = "button button-small";
      save.textContent = "保存修改";
      form.append(label, area, save);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        act({ action: "revise", text: area.value }, () => form.remove());
      });
      li.append(form);
      area.focus();
    });
    const withdraw = document.createElement("button");
    withdraw.type = "button";
    withdraw.className = "button button-small button-secondary";
    withdraw.textContent = "撤回";
    withdraw.addEventListener("click", () => {
      if (window.confirm("撤回后该问题不再提交审核，确定撤回吗？")) act({ action: "withdraw" });
    });
    box.append(edit, withdraw);
    return box;
  }

  // 承诺事项: rows added or updated in place (the server's order: due date, then id).
  function renderCommitments() {
    const body = slot("commitments");
    if (!body || !state.commitments.size) return;
    const list = Array.from(state.commitments.values())
      .sort((a, b) => (a.due_date < b.due_date ? -1 : a.due_date > b.due_date ? 1 : a.id - b.id));
    const rows = new Map(Array.from(body.children).map((tr) => [tr.dataset.commitmentId, tr]));
    list.forEach((c, index) => {
      const key = String(c.id);
      let tr = rows.get(key);
      if (!tr || tr.dataset.version !== c.status + c.text) {
        const fresh = document.createElement("tr");
        fresh.dataset.commitmentId = key;
        fresh.dataset.version = c.status + c.text;
        const cell = (child) => { const td = document.createElement("td"); td.append(child); fresh.append(td); };
        const link = (href, text) => { const a = document.createElement("a"); a.href = href; a.textContent = text; return a; };
        cell(link(root.dataset.commitmentUrl.replace(/0$/, String(c.id)), c.text));
        cell(c.department);
        cell(c.due_label);
        const status = document.createElement("span");
        status.className = "status " + c.status_css;
        status.textContent = c.status_label;
        cell(status);
        cell(link(root.dataset.hearingUrl, c.source_label));
        if (tr) tr.replaceWith(fresh);
        tr = fresh;
      }
      if (body.children[index] !== tr) body.insertBefore(tr, body.children[index] || null);
    });
    [slot("commitments-table"), slot("commitments-section")].forEach((el) => { if (el) el.hidden = false; });
    const empty = slot("commitments-empty");
    if (empty) empty.hidden = true;
  }

  function render() {
    const items = sorted();
    renderList(slot("queue"), limit ? items.slice(0, limit) : items, slot("queue-empty"));
    renderCard("now", state.now);
    renderCard("next", state.next);
    renderMine();
    renderCommitments();
    root.querySelectorAll("[data-count]").forEach((el) => {
      const key = el.dataset.count;
      el.textContent = key === "presence" ? state.presence : state.counts[key] || 0;
    });
    const badge = slot("hearing-state");
    if (badge && state.hearing) badge.textContent = state.hearing.state_label;
    // The livestream button and the 正在回答 card belong to a live hearing only.
    if (state.hearing) {
      const isLive = state.hearing.state === "live";
      root.querySelectorAll("[data-live-only]").forEach((el) => { el.hidden = !isLive; });
    }
    // Title, schedule and place edited by a host while the page is open (the `hearing` event).
    [["hearing-title", "title"], ["hearing-schedule", "schedule"], ["hearing-place", "place"]].forEach(([name, key]) => {
      const el = slot(name);
      const value = state.hearing && state.hearing[key];
      if (el && typeof value === "string" && el.textContent !== value) el.textContent = value;
    });
    const form = slot("ask-form");
    if (form && state.hearing) {
      const open = ["scheduled", "live"].includes(state.hearing.state);
      form.querySelectorAll("textarea, button, input").forEach((el) => { el.disabled = !open; });
    }
    if (live.afterRender) live.afterRender();
  }

  // --- sorting and voting -----------------------------------------------------------------------
  root.querySelectorAll("[data-sort]").forEach((button) => {
    button.addEventListener("click", () => {
      state.sort = button.dataset.sort;
      root.querySelectorAll("[data-sort]").forEach((b) => {
        const on = b === button;
        b.setAttribute("aria-pressed", on ? "true" : "false");
        b.classList.toggle("button-secondary", !on);
      });
      scheduleRender();
    });
  });

  root.addEventListener("click", (event) => {
    const button = event.target.closest('[data-slot="vote"]');
    if (!button || button.disabled) return;
    if (!loggedIn) {
      window.location.href = root.dataset.loginUrl;
      return;
    }
    const id = Number(button.closest(".q-item").dataset.id);
    const voting = !state.voted.has(id);
    if (voting) state.voted.add(id); else state.voted.delete(id);
    votesInFlight.set(id, voting);
    scheduleRender();
    socket.emit(voting ? "vote" : "unvote", { question_id: id, client_id: newId() }, (ack) => {
      if (votesInFlight.get(id) === voting) votesInFlight.delete(id);
      if (ack && ack.ok) {
        if (voting) state.voted.add(id); else state.voted.delete(id);
        scheduleRender();
        return;
      }
      if (voting) state.voted.delete(id); else state.voted.add(id);
      toast((ack && ack.error && ack.error.message) || "投票失败，请重试", "warn");
      scheduleRender();
    });
  });

  // --- asking: sent over the socket with a client id, retried with the same id -----------------
  // A question asked while the connection is down is kept in this browser (localStorage, per hearing
  // and account) and sent when the connection is back; the client id makes a resend harmless.
  const form = slot("ask-form");
  const outboxKey = "hearings-outbox-" + hearingId + "-" + (root.dataset.userId || "");
  const outbox = new Map(loadOutbox());
  function loadOutbox() {
    try {
      const saved = JSON.parse(window.localStorage.getItem(outboxKey) || "[]");
      return Array.isArray(saved) ? saved.map((p) => [p.client_id, p]) : [];
    } catch (e) {
      return [];
    }
  }
  function saveOutbox() {
    try {
      if (outbox.size) window.localStorage.setItem(outboxKey, JSON.stringify(Array.from(outbox.values())));
      else window.localStorage.removeItem(outboxKey);
    } catch (e) { /* storage full or disabled: the question stays in this page's memory */ }
  }
  function outboxSize() {
    return outbox.size;
  }
  function sendAsk(payload) {
    const result = slot("ask-result");
    socket.timeout(8000).emit("ask", payload, (err, ack) => {
      if (err) {
        if (result) result.textContent = "网络不稳定，问题已保存在本机，恢复连接后将自动提交（不会重复）。";
        return;
      }
      outbox.delete(payload.client_id);
      saveOutbox();
      if (!result) return;
      if (!ack.ok) {
        result.textContent = ack.error.message;
        result.dataset.kind = "error";
        const box = form.querySelector("textarea");
        if (!box.value) box.value = payload.text; // a refused question comes back to be corrected
        box.focus();
        updateCount();
        return;
      }
      state.mine.set(ack.question.id, ack.question);
      result.dataset.kind = "ok";
      result.textContent = ack.public ? "问题已公开，感谢参与。" : "问题已提交。" + (ack.reason || "审核通过后公开。");
      if (form.querySelector("textarea").value === payload.text) form.reset();
      updateCount();
      scheduleRender();
    });
  }
  function retryOutbox() {
    outbox.forEach((payload) => sendAsk(payload));
  }
  function updateCount() {
    if (!form) return;
    const max = state.hearing ? state.hearing.max_question_length : 300;
    const n = form.querySelector("textarea").value.trim().length;
    slot("char-count", form).textContent = n ? "已输入 " + n + " / " + max + " 字" : "最多 " + max + " 字";
  }
  if (form) {
    const textarea = form.querySelector("textarea");
    textarea.addEventListener("input", updateCount);
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault(); // with scripts the question goes over the socket, now or once reconnected
      const anonymous = form.querySelector('input[name="anonymous"]');
      const payload = {
        hearing_id: hearingId, text: textarea.value, client_id: newId(),
        anonymous: Boolean(anonymous && anonymous.checked),
      };
      outbox.set(payload.client_id, payload);
      saveOutbox();
      if (!socket.connected) {
        const result = slot("ask-result");
        result.dataset.kind = "warn";
        result.textContent = "网络连接已断开：问题已保存在本机，恢复连接后将自动提交（不会重复）。";
        form.reset();
        updateCount();
        showOffline(true);
        return;
      }
      slot("ask-result").textContent = "正在提交…";
      sendAsk(payload);
    });
  }
})();
