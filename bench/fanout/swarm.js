// Audience swarm for the live queue: N websocket clients watch one hearing while askers send
// questions and voters cast votes at fixed rates. Prints one JSON line of results.
//
//   node swarm.js --url http://127.0.0.1:5101[,http://127.0.0.1:5102] --hearing 1 --clients 1000
//                 --qps 10 --vps 300 --seconds 30 [--users users.json] [--baseline]
//                 [--poll-viewers 2000 --poll-seconds 10]
//
// Latency is "action sent → received by every client": for a question, from the ask being sent to
// each client's `question` event; for a vote, from the k-th vote on a question being sent to each
// client first seeing a count ≥ k in a `votes` batch (so it includes the coalescing tick).
// With --poll-viewers N, a host opens a poll (results shown) a third into the run and N of the watchers answer it,
// each at a random moment within --poll-seconds; a poll answer's latency is from the k-th answer being sent to each
// client first seeing a total ≥ k in a `poll_results` event. After the run every client's total is compared with
// the server's (and run.py compares the server's with the database).
"use strict";
const { io } = require("socket.io-client");
const fs = require("fs");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : true]);
    return pairs;
  }, [])
);
const urls = String(args.url).split(",");
const hearingId = Number(args.hearing);
const nClients = Number(args.clients || 1000);
const qps = Number(args.qps || 10);
const vps = Number(args.vps || 300);
const seconds = Number(args.seconds || 30);
const baseline = Boolean(args.baseline);
const pollViewers = Number(args["poll-viewers"] || 0);
const pollSeconds = Number(args["poll-seconds"] || 10);
const users = args.users ? JSON.parse(fs.readFileSync(args.users, "utf8")) : { askers: [], voters: [] };
const UA = "portal-bench-fanout";
const NS = "/hearings";

const now = () => Number(process.hrtime.bigint() / 1000n) / 1000; // ms
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function login(url, username, password) {
  const page = await fetch(url + "/login", { headers: { "User-Agent": UA } });
  const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const token = (await page.text()).match(/name="csrf_token"[^>]*value="([^"]+)"/)[1];
  const body = new URLSearchParams({ username, password, csrf_token: token });
  const res = await fetch(url + "/login", {
    method: "POST", body, redirect: "manual",
    headers: { "User-Agent": UA, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (res.status !== 302) throw new Error("login failed for " + username + ": " + res.status);
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("session="));
  if (!session) throw new Error("no session cookie for " + username);
  return session;
}

const devices = users.devices || [];
function connect(url, cookie) {
  const headers = { "User-Agent": UA };
  if (cookie) headers.Cookie = cookie;
  return io(url + NS, { transports: ["websocket"], extraHeaders: headers, reconnection: false, timeout: 60000 });
}

function call(socket, event, data, timeout = 30000) {
  return new Promise((resolve) => {
    socket.timeout(timeout).emit(event, data, (err, ack) => resolve(err ? { ok: false, error: { code: "timeout" } } : ack));
  });
}

const asked = new Map(); // question id -> send time
const askedByClientId = new Map(); // client_id -> send time
const voteSends = new Map(); // question id -> [send time of k-th vote]
const questionLat = [];
const perQuestion = new Map(); // question id -> [send time, slowest delivery ms]
const voteLat = [];
const answerSends = []; // send time of the k-th poll answer
const pollLat = [];
let pollId = null;
let answers = 0, answerOk = 0;
const answerErrors = {};

const HOLD_MS = 300; // as the browser: an out-of-order event waits this long for the missing ones
let outOfOrder = 0;
let resyncs = 0;

class Watcher {
  constructor(socket) {
    this.socket = socket;
    this.seq = -1;
    this.held = new Map(); // seq -> [kind, data]
    this.timer = null;
    this.questions = new Map(); // id -> votes
    this.seenVotes = new Map(); // id -> count of vote sends already measured
    socket.on("question", (d) => this.receive("question", d));
    socket.on("votes", (d) => this.receive("votes", d));
    socket.on("now", (d) => this.receive("other", d));
    socket.on("hearing", (d) => this.receive("other", d));
    this.pollTotal = 0;
    this.pollVersion = -1;
    this.answers = false; // set for the watchers that answer the poll
    socket.on("poll", (d) => this.onPoll(d));
    socket.on("poll_results", (d) => this.onPollResults(d));
  }
  onPoll(d) {
    if (d.state !== "open" || this.answered || !this.answers) return;
    this.answered = true;
    setTimeout(() => {
      const t = now();
      answerSends.push(t);
      answers += 1;
      const choice = [d.options[Math.floor(Math.random() * d.options.length)].id];
      call(this.socket, "poll_answer", { poll_id: d.id, choices: choice, client_id: "pa-" + Math.random().toString(36).slice(2), device: this.device })
        .then((ack) => {
          if (ack.ok) answerOk += 1;
          else { const c = (ack.error && ack.error.code) || "?"; answerErrors[c] = (answerErrors[c] || 0) + 1; }
        });
    }, Math.random() * pollSeconds * 1000);
  }
  onPollResults(d) {
    if (d.version <= this.pollVersion) return;
    this.pollVersion = d.version;
    const t = now();
    const measured = Math.min(this.pollTotal, answerSends.length);
    for (let k = measured; k < Math.min(d.total, answerSends.length); k++) pollLat.push(t - answerSends[k]);
    this.pollTotal = Math.max(this.pollTotal, d.total);
  }
  receive(kind, d) {
    if (d.seq <= this.seq) return;
    if (d.seq > this.seq + 1 && this.seq >= 0) outOfOrder += 1;
    this.held.set(d.seq, [kind, d]);
    this.drain();
  }
  drain() {
    for (const seq of this.held.keys()) if (seq <= this.seq) this.held.delete(seq);
    while (this.held.has(this.seq + 1)) {
      const [kind, d] = this.held.get(this.seq + 1);
      const t = now(); // latency counts until the event is applied, held time included
      this.held.delete(this.seq + 1);
      this.seq = d.seq;
      if (kind === "question") this.onQuestion(d, t);
      else if (kind === "votes") this.onVotes(d, t);
    }
    if (!this.held.size && this.timer) { clearTimeout(this.timer); this.timer = null; }
    else if (this.held.size && !this.timer) this.timer = setTimeout(() => this.resync(), HOLD_MS);
  }
  async resync() {
    this.timer = null;
    if (!this.held.size) return;
    resyncs += 1;
    const snap = await call(this.socket, "sync", { hearing_id: hearingId });
    if (!snap.ok) return;
    this.seq = snap.seq;
    for (const q of snap.questions) this.questions.set(q.id, q.votes);
    this.drain();
  }
  onQuestion(d, t) {
    const q = d.question;
    const sent = asked.get(q.id) || (q.text && askedByClientId.get(q.text));
    if (sent !== undefined && !this.questions.has(q.id)) {
      questionLat.push(t - sent);
      const seen = perQuestion.get(q.id);
      if (!seen || seen[1] < t - sent) perQuestion.set(q.id, [sent, t - sent]);
    }
    if (q.visible !== false && !this.questions.has(q.id)) this.questions.set(q.id, q.votes || 0);
  }
  onVotes(d, t) {
    for (const [id, n] of Object.entries(d.counts)) {
      const qid = Number(id);
      this.questions.set(qid, n);
      const sends = voteSends.get(qid) || [];
      const measured = this.seenVotes.get(qid) || 0;
      for (let k = measured; k < Math.min(n, sends.length); k++) voteLat.push(t - sends[k]);
      if (n > measured) this.seenVotes.set(qid, Math.min(n, sends.length));
    }
  }
}

function percentile(values, p) {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}

async function main() {
  const started = now();
  // Audience: anonymous watchers spread over the servers, joined in batches.
  const watchers = [];
  for (let i = 0; i < nClients; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(nClients, i + 100); j++) {
      batch.push(new Promise((resolve, reject) => {
        const socket = connect(urls[j % urls.length]);
        const w = new Watcher(socket);
        w.device = devices[j];
        w.answers = j < pollViewers;
        socket.on("connect", async () => {
          const snap = await call(socket, "join", { hearing_id: hearingId });
          if (!snap.ok) return reject(new Error("join failed " + JSON.stringify(snap)));
          w.seq = snap.seq;
          for (const q of snap.questions) w.questions.set(q.id, q.votes);
          resolve(w);
        });
        socket.on("connect_error", reject);
      }));
    }
    watchers.push(...(await Promise.all(batch)));
  }
  const connectSeconds = (now() - started) / 1000;

  // Actors: logged-in askers and voters (the baseline server needs no login).
  const actorSockets = async (list, fallback) => {
    if (baseline) return Array.from({ length: fallback }, (_, i) => connect(urls[i % urls.length]));
    const sockets = [];
    for (let i = 0; i < list.length; i += 20) {
      const chunk = list.slice(i, i + 20);
      sockets.push(...(await Promise.all(chunk.map(async (u, k) => connect(urls[(i + k) % urls.length], await login(urls[(i + k) % urls.length], u, users.password))))));
    }
    return sockets;
  };
  const askers = await actorSockets(users.askers, 10);
  const voters = await actorSockets(users.voters, 200);
  await Promise.all([...askers, ...voters].map((s) => new Promise((r) => (s.connected ? r() : s.on("connect", r)))));

  let asks = 0, askOk = 0, votes = 0, voteOk = 0, ackErrors = {};
  const questionIds = [];
  const voted = new Set();
  const noteError = (ack) => { const c = (ack.error && ack.error.code) || "?"; ackErrors[c] = (ackErrors[c] || 0) + 1; };
  const end = now() + seconds * 1000;
  const pending = [];

  const askLoop = (async () => {
    for (let i = 0; now() < end; i++) {
      const socket = askers[i % askers.length];
      const clientId = "bench-" + i + "-" + Math.random().toString(36).slice(2, 8);
      const text = "压测问题 " + clientId;
      const t = now();
      askedByClientId.set(text, t);
      asks += 1;
      pending.push(call(socket, "ask", { hearing_id: hearingId, text, client_id: clientId }).then((ack) => {
        if (ack.ok) {
          askOk += 1;
          const id = ack.question ? ack.question.id : ack.id;
          asked.set(id, t);
          questionIds.push(id);
        } else noteError(ack);
      }));
      await sleep(1000 / qps);
    }
  })();

  const voteLoop = (async () => {
    const perTick = Math.max(1, Math.round(vps / 50));
    while (now() < end) {
      for (let k = 0; k < perTick && questionIds.length; k++) {
        const qid = questionIds[Math.floor(Math.random() * questionIds.length)];
        const v = Math.floor(Math.random() * voters.length);
        if (voted.has(v + ":" + qid)) continue;
        voted.add(v + ":" + qid);
        votes += 1;
        const sends = voteSends.get(qid) || [];
        sends.push(now());
        voteSends.set(qid, sends);
        pending.push(call(voters[v], "vote", { question_id: qid, client_id: "bv-" + v + "-" + qid }).then((ack) => {
          if (ack.ok) voteOk += 1;
          else noteError(ack);
        }));
      }
      await sleep(20);
    }
  })();

  const pollLoop = (async () => {
    if (!pollViewers) return;
    const host = baseline ? connect(urls[0]) : connect(urls[0], await login(urls[0], users.host, users.password));
    await new Promise((r) => (host.connected ? r() : host.on("connect", r)));
    await call(host, "join", { hearing_id: hearingId });
    await sleep((seconds * 1000) / 3);
    const created = await call(host, "poll_create", {
      hearing_id: hearingId, question: "压测表决", options: "甲\n乙\n丙\n丁", allow_anonymous: true, open: false,
      client_id: "bench-poll-" + Math.random().toString(36).slice(2),
    });
    if (!created.ok) throw new Error("poll_create failed: " + JSON.stringify(created));
    pollId = created.poll.id;
    for (const action of ["show", "open"]) {
      const ack = await call(host, "poll_action", { poll_id: pollId, action });
      if (!ack.ok && action === "open") throw new Error("poll open failed: " + JSON.stringify(ack));
    }
    actorsExtra.push(host);
  })();
  const actorsExtra = [];

  await Promise.all([askLoop, voteLoop, pollLoop]);
  await Promise.all(pending);
  if (pollViewers) {
    const until = now() + (pollSeconds + 30) * 1000;
    while (answerOk + Object.values(answerErrors).reduce((a, b) => a + b, 0) < pollViewers && now() < until) await sleep(100);
  }
  await sleep(2000); // the last vote batch (tick ≤ 250 ms) and stragglers

  // Ground truth: a fresh sync (the portal reads it from the database).
  const truth = await call(watchers[0].socket, "sync", { hearing_id: hearingId });
  if (!truth.ok) throw new Error("final sync failed: " + JSON.stringify(truth) + "; connected: " + watchers[0].socket.connected);
  const truthVotes = new Map(truth.questions.map((q) => [q.id, q.votes]));
  let mismatched = 0, lostQuestions = 0;
  for (const w of watchers) {
    let same = w.questions.size >= truthVotes.size;
    for (const [id, n] of truthVotes) if (w.questions.get(id) !== n) same = false;
    if (!same) mismatched += 1;
    for (const id of asked.keys()) if (!w.questions.has(id)) lostQuestions += 1;
  }
  // The questions whose last delivery took longest (p99 at 2,000 clients is decided by a handful of events).
  const slowest = [...perQuestion.values()].sort((a, b) => b[1] - a[1]).slice(0, 5)
    .map(([sent, ms]) => ({ at_s: Math.round((sent - started) / 100) / 10, slowest_ms: Math.round(ms) }));
  let pollTruth = null, pollMismatched = 0;
  if (pollViewers && pollId !== null) {
    const state = await call(watchers[0].socket, "poll_sync", { hearing_id: hearingId });
    const p = state.polls ? state.polls.find((x) => x.id === pollId) : null;
    pollTruth = p ? p.total : null;
    for (const w of watchers) if (w.pollTotal !== pollTruth) pollMismatched += 1;
  }
  const result = {
    server: baseline ? "baseline" : "portal", urls: urls.length, clients: nClients, seconds, qps, vps,
    connect_s: Math.round(connectSeconds * 10) / 10, asks, ask_ok: askOk, votes, vote_ok: voteOk, ack_errors: ackErrors,
    question_deliveries: questionLat.length, expected_question_deliveries: askOk * nClients, lost_question_events: lostQuestions,
    question_p50_ms: percentile(questionLat, 50), question_p99_ms: percentile(questionLat, 99),
    vote_p50_ms: percentile(voteLat, 50), vote_p99_ms: percentile(voteLat, 99),
    out_of_order: outOfOrder, resyncs, clients_not_matching_server: mismatched,
    slowest_questions: slowest,
    server_votes_total: [...truthVotes.values()].reduce((a, b) => a + b, 0),
  };
  if (pollViewers) Object.assign(result, {
    poll_id: pollId, poll_viewers: pollViewers, poll_seconds: pollSeconds, answers, answer_ok: answerOk,
    answer_errors: answerErrors, server_poll_total: pollTruth, lost_answers: answerOk - (pollTruth || 0),
    poll_clients_not_matching_server: pollMismatched, poll_result_deliveries: pollLat.length,
    poll_p50_ms: percentile(pollLat, 50), poll_p99_ms: percentile(pollLat, 99),
  });
  console.log(JSON.stringify(result));
  for (const s of [...watchers.map((w) => w.socket), ...askers, ...voters, ...actorsExtra]) s.disconnect();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
