/* Moderation, host and panel consoles: buttons on top of hearings-live.js, each sending one `moderate`
   event (approve, reject, edit, merge, hide, next, answering, answered, answered_next, reassign; the
   panel's take and answer). */
(function () {
  "use strict";
  const live = window.HearingsLive;
  const root = document.getElementById("live-root");
  if (!live || !root) return;
  const hearingId = Number(root.dataset.hearingId);
  const isHost = root.dataset.host === "true";
  const mode = root.dataset.mode;
  const memberId = Number(root.dataset.memberId || 0); // the panel console's own seat
  const panel = JSON.parse(root.dataset.panel || "[]");
  // State → the actions this user may take from it, from the server's transition table.
  const allowed = JSON.parse(root.dataset.actions || "{}");
  const may = (q, action) => (allowed[q.state] || []).includes(action);
  const slot = (name, el) => (el || root).querySelector('[data-slot="' + name + '"]');

  function send(payload, done) {
    live.socket.emit("moderate", Object.assign({ hearing_id: hearingId }, payload), (ack) => {
      if (!ack || !ack.ok) live.toast((ack && ack.error && ack.error.message) || "操作失败，请重试", "warn");
      else live.toast("已完成：" + (payload.label || payload.action), "ok");
      if (done) done(ack);
    });
  }

  function button(label, onClick, secondary) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button button-small" + (secondary ? " button-secondary" : "");
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // A small inline form (reason, corrected text, merge target) under an item; Escape closes it.
  function inlineForm(container, labelText, control, submitLabel, onSubmit) {
    container.querySelectorAll(".inline-panel").forEach((el) => el.remove());
    const form = document.createElement("form");
    form.className = "inline-panel";
    const id = "f" + live.newId().slice(0, 8);
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = labelText;
    control.id = id;
    const ok = document.createElement("button");
    ok.type = "submit";
    ok.className = "button button-small";
    ok.textContent = submitLabel;
    const cancel = button("取消", () => form.remove(), true);
    form.append(label, control, ok, cancel);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      onSubmit(control.value, () => form.remove());
    });
    form.addEventListener("keydown", (event) => { if (event.key === "Escape") form.remove(); });
    container.append(form);
    control.focus();
  }

  function textarea(value) {
    const t = document.createElement("textarea");
    t.rows = 2;
    t.value = value || "";
    return t;
  }

  function mergeSelect(q) {
    const select = document.createElement("select");
    Array.from(live.state.questions.values())
      .filter((other) => other.id !== q.id)
      .forEach((other) => {
        const option = document.createElement("option");
        option.value = other.id;
        option.textContent = "#" + other.id + " " + other.text.slice(0, 40);
        select.append(option);
      });
    return select;
  }

  function memberSelect(q) {
    const select = document.createElement("select");
    panel.filter((m) => !q.answerer || m.id !== q.answerer.id).forEach((m) => {
      const option = document.createElement("option");
      option.value = m.id;
      option.textContent = m.name + "（" + m.title + (m.department ? " · " + m.department : "") + "）";
      select.append(option);
    });
    return select;
  }

  function actionsFor(q, container) {
    const list = [];
    const act = (action, label, extra) => send(Object.assign({ question_id: q.id, action: action, label: label }, extra || {}));
    if (q.state === "pending") {
      if (may(q, "approve")) list.push(button("通过", () => act("approve", "通过")));
      if (may(q, "reject")) list.push(button("不予公开", () => inlineForm(container, "理由（提问人可见）", textarea(), "确认", (reason, close) =>
        send({ question_id: q.id, action: "reject", reason: reason, label: "不予公开" }, (ack) => ack.ok && close())), true));
      if (may(q, "edit")) list.push(button("修改错字", () => inlineForm(container, "修改后的内容（原文保留在记录中）", textarea(q.text), "保存", (text, close) =>
        send({ question_id: q.id, action: "edit", text: text, label: "修改" }, (ack) => ack.ok && close())), true));
      return list;
    }
    if (isHost) {
      if (may(q, "next")) list.push(button("排到下一个", () => act("next", "排到下一个")));
      if (may(q, "answering")) list.push(button("开始回答", () => act("answering", "开始回答"), true));
      if (may(q, "reassign") && panel.length) list.push(button(q.answerer ? "改派…" : "指定答复人…", () => inlineForm(container, "由谁回答", memberSelect(q), "确定", (member, close) =>
        send({ question_id: q.id, action: "reassign", member: Number(member), label: "改派" }, (ack) => ack.ok && close())), true));
    }
    if (mode === "panel" && may(q, "take")) {
      // One question is answered at a time: an approved one while none is, or the one answered now if nobody has it.
      const free = (q.state === "approved" && !live.state.now) || (q.state === "answering" && !q.answerer);
      if (free) list.push(button("我来回答", () => act("take", "我来回答")));
    }
    if (mode === "moderate") {
      if (may(q, "edit")) list.push(button("修改错字", () => inlineForm(container, "修改后的内容（原文保留在记录中）", textarea(q.text), "保存", (text, close) =>
        send({ question_id: q.id, action: "edit", text: text, label: "修改" }, (ack) => ack.ok && close())), true));
      if (may(q, "merge")) list.push(button("合并为重复…", () => inlineForm(container, "合并到", mergeSelect(q), "合并", (into, close) =>
        send({ question_id: q.id, action: "merge", into: Number(into), label: "合并" }, (ack) => ack.ok && close())), true));
    }
    if (mode === "moderate" && may(q, "hide")) {
      list.push(button("隐藏", () => inlineForm(container, "隐藏原因", textarea(), "隐藏", (reason, close) =>
        send({ question_id: q.id, action: "hide", reason: reason, label: "隐藏" }, (ack) => ack.ok && close())), true));
    }
    return list;
  }

  live.decorate = function (li, q) {
    const key = q.state + ":" + (q.answerer ? q.answerer.id : "") + ":" + (live.state.now ? live.state.now.id : "");
    if (li.dataset.decorated === key) return;
    li.dataset.decorated = key;
    const container = slot("actions", li);
    container.replaceChildren(...actionsFor(q, container));
  };

  // The pending list of the moderation console (kept item by item so open forms survive updates).
  function renderPending() {
    const list = slot("pending");
    if (!list) return;
    const pending = Array.from(live.state.pending.values()).sort((a, b) => a.id - b.id);
    const existing = new Map(Array.from(list.children).map((li) => [li.dataset.id, li]));
    pending.forEach((q) => {
      let li = existing.get(String(q.id));
      existing.delete(String(q.id));
      if (li && li.dataset.text === q.text) return;
      const fresh = document.createElement("li");
      fresh.className = "pending-item";
      fresh.dataset.id = q.id;
      fresh.dataset.text = q.text;
      const text = document.createElement("p");
      text.className = "q-text";
      text.textContent = q.text;
      const meta = document.createElement("p");
      meta.className = "q-meta muted";
      meta.textContent = q.author + "（公开署名：" + q.asker + "，" + q.kind_label + "）· " + q.time;
      fresh.append(text, meta);
      if (q.flagged) {
        const flag = document.createElement("p");
        flag.className = "flagged";
        flag.textContent = "含敏感词：" + q.flagged;
        fresh.append(flag);
      }
      const actions = document.createElement("div");
      actions.className = "q-actions";
      actions.append(...actionsFor(q, actions));
      fresh.append(actions);
      if (li) li.replaceWith(fresh);
      else list.append(fresh);
    });
    existing.forEach((li) => li.remove());
    const empty = slot("pending-empty");
    if (empty) empty.hidden = pending.length > 0;
  }
  // The host's list of answered questions (the commitment form's 对应问题) follows the queue: a
  // question answered a moment ago can be chosen without a reload. Until the host picks one, the
  // question being answered (else the latest answered) stays selected.
  const answeredSelect = isHost ? document.getElementById("question_id") : null;
  if (answeredSelect) {
    // A form sent back with errors keeps what the host had chosen.
    if (answeredSelect.form && answeredSelect.form.querySelector(".form-errors")) answeredSelect.dataset.chosen = "true";
    answeredSelect.addEventListener("change", () => { answeredSelect.dataset.chosen = "true"; });
  }
  function renderAnswered() {
    if (!answeredSelect || !live.state.hearing) return;
    const answered = Array.from(live.state.questions.values())
      .filter((q) => q.state === "answering" || q.state === "answered")
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
    const key = answered.map((q) => q.id + ":" + q.text).join("|");
    if (answeredSelect.dataset.key === key) return;
    answeredSelect.dataset.key = key;
    const chosen = answeredSelect.dataset.chosen === "true" ? answeredSelect.value : null;
    const blank = document.createElement("option");
    blank.value = "";
    blank.textContent = answered.length ? "（不对应具体问题）" : "（暂无已回答的问题）";
    const options = answered.map((q) => {
      const option = document.createElement("option");
      option.value = String(q.id);
      option.textContent = "#" + q.id + " " + q.text.slice(0, 40);
      return option;
    });
    answeredSelect.replaceChildren(blank, ...options);
    const now = live.state.now;
    const fallback = now ? String(now.id) : answered.length ? String(answered[0].id) : "";
    answeredSelect.value = chosen !== null && options.some((o) => o.value === chosen) ? chosen : fallback;
  }
  // The panel console: the answer form while this member answers the question now; who answers, by member.
  function renderPanel() {
    if (mode !== "panel") return;
    const now = live.state.now;
    const mine = Boolean(now && now.answerer && now.answerer.id === memberId);
    const card = slot("answer-card");
    if (card) card.hidden = !mine;
    root.querySelectorAll('[data-slot="roster"] [data-member-id]').forEach((li) => {
      const answering = now && now.answerer && String(now.answerer.id) === li.dataset.memberId;
      const status = slot("member-status", li);
      status.textContent = answering ? "正在回答" : "";
      status.className = answering ? "answering" : "";
    });
  }
  const panelAnswer = root.querySelector("[data-panel-answer]");
  if (panelAnswer) {
    panelAnswer.addEventListener("click", () => {
      const now = live.state.now;
      const summary = slot("panel-summary");
      if (!now) return;
      send({ action: "answer", question_id: now.id, summary: summary.value, label: "记录答复" }, (ack) => {
        if (ack && ack.ok) summary.value = "";
      });
    });
  }
  live.afterRender = () => {
    renderPending();
    renderAnswered();
    renderPanel();
  };

  root.querySelectorAll("[data-host-action]").forEach((b) => {
    b.addEventListener("click", () => {
      const summary = slot("summary");
      const action = b.dataset.hostAction;
      const now = live.state.now;
      if (action === "answered" && !now) {
        live.toast("当前没有正在回答的问题", "warn");
        return;
      }
      const payload = { action: action, summary: summary.value, label: b.textContent };
      if (now) payload.question_id = now.id;
      send(payload, (ack) => { if (ack && ack.ok) summary.value = ""; });
    });
  });
  live.render();
})();
