// dozvon pages: the little a server-rendered page cannot do — API calls
// behind buttons (with the session's CSRF token), live events over the
// WebSocket, and the script editor's lint as you type. No framework: plain
// DOM, so a cheap phone runs it at once.
"use strict";
(function () {
  const CSRF_KEY = "dozvon.csrf";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const labels = (() => {
    const el = $("#labels");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();
  const outcomeLabel = (o) => (labels.outcomes || {})[o] || o;
  const reasonLabel = (r) => (labels.reasons || {})[r] || r;
  // localTime shows an RFC 3339 time as written in its own zone (the
  // debtor's), whatever the phone's zone is: "25.11.2026 08:10".
  const localTime = (s) => {
    const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(s || "");
    return m ? m[3] + "." + m[2] + "." + m[1] + " " + m[4] + ":" + m[5] : "";
  };
  const statusLabels = {
    "trying": "набираем…", "ringing": "звонит…", "in-progress": "идёт разговор", "completed": "звонок завершён",
    "busy": "занято", "no-answer": "нет ответа", "failed": "не дозвонились", "queued": "в очереди робота",
  };
  const verdictLabels = { human: "ответил человек", machine: "автоответчик", voice_assistant: "голосовой помощник", announcement: "сообщение оператора" };

  function toast(msg) {
    const t = $("#toast");
    if (!t) return;
    t.textContent = msg;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.textContent = ""; }, 6000);
  }

  // api calls the service's API with the session cookie and CSRF token and
  // returns {status, data}; a lost session goes back to the login page.
  async function api(method, url, body, ctype) {
    const headers = { "X-CSRF-Token": localStorage.getItem(CSRF_KEY) || "" };
    if (body !== undefined && !(body instanceof FormData)) {
      headers["Content-Type"] = ctype || "application/json";
      if (!ctype) body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(url, { method, headers, body, credentials: "same-origin" });
    } catch (e) {
      return { status: 0, data: null, message: "нет связи с сервером" };
    }
    if (resp.status === 401) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
      return { status: 401, data: null, message: "войдите снова" };
    }
    const text = await resp.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    let message = "";
    if (resp.status >= 300) {
      message = data && data.error ? data.error.message : text || resp.statusText;
      if (resp.status === 403 && data && data.error && data.error.code === "csrf") message = "сессия устарела: войдите снова";
    }
    return { status: resp.status, data, message };
  }

  // --- login and logout
  const loginForm = $("#login-form");
  if (loginForm) {
    loginForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const err = $("#login-error");
      err.textContent = "";
      const r = await api("POST", "/api/v1/login", { login: loginForm.login.value.trim(), password: loginForm.password.value });
      if (r.status !== 200) {
        err.textContent = r.status === 401 ? "Неверный логин или пароль" : r.message;
        return;
      }
      localStorage.setItem(CSRF_KEY, r.data.csrf);
      location.href = loginForm.dataset.next || "/app/";
    });
  }
  const logout = $("[data-logout]");
  if (logout) {
    logout.addEventListener("click", async () => {
      await api("POST", "/api/v1/logout");
      localStorage.removeItem(CSRF_KEY);
      location.href = "/login";
    });
  }

  // --- the collector's list: select, launch
  const launch = $("#launch");
  if (launch) {
    const boxes = () => $$("input[name=debtor]", launch);
    const count = () => {
      const n = boxes().filter((b) => b.checked).length;
      $("#sel-count").textContent = n;
      $("#launch-btn").disabled = n === 0;
    };
    launch.addEventListener("change", count);
    count();
    launch.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const ids = boxes().filter((b) => b.checked).map((b) => b.value);
      if (!ids.length) return;
      $("#launch-btn").disabled = true;
      const name = "обход " + new Date().toLocaleString("ru-RU");
      const r = await api("POST", "/api/v1/campaigns", { name, script: launch.dataset.script, debtors: ids });
      if (r.status !== 201) {
        toast("Не запущено: " + r.message);
        count();
        return;
      }
      toast("Робот запущен: " + ids.length + " " + plural(ids.length, "должник", "должника", "должников"));
      for (const id of ids) {
        setLive(id, statusLabels.queued);
        const b = $("#d-" + CSS.escape(id));
        if (b) b.checked = false;
      }
      count();
    });
  }

  function plural(n, one, few, many) {
    const m10 = n % 10, m100 = n % 100;
    if (m10 === 1 && m100 !== 11) return one;
    if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
    return many;
  }

  function holders(debtor) { return $$('[data-debtor="' + CSS.escape(debtor) + '"]').filter((el) => el.tagName !== "BUTTON"); }
  function setLive(debtor, text, done) {
    for (const el of holders(debtor)) {
      const live = $("[data-live]", el);
      if (live) { live.textContent = text; live.classList.toggle("done", !!done); }
    }
  }

  // --- live events
  function onEvent(env) {
    const data = env.data || {};
    if (env.debtor) {
      switch (env.type) {
        case "call.status":
          setLive(env.debtor, statusLabels[data.status] || data.status, data.status === "completed");
          break;
        case "call.verdict":
          if (verdictLabels[data.verdict]) setLive(env.debtor, verdictLabels[data.verdict]);
          break;
        case "call.outcome": {
          const slots = slotText(data.slots);
          const text = outcomeLabel(data.outcome) + (slots ? " — " + slots : "");
          for (const el of holders(env.debtor)) {
            const o = $("[data-outcome]", el);
            if (o) o.textContent = text;
          }
          setLive(env.debtor, "готово", true);
          const state = $("#live-state");
          if (state) state.textContent = "Новый результат: " + text;
          break;
        }
        case "call.turn": {
          const box = $("#live-turns");
          if (box && $("#debtor-card") && $("#debtor-card").dataset.debtor === env.debtor) {
            box.hidden = false;
            const li = document.createElement("li");
            li.className = "turn " + data.who;
            const who = document.createElement("span");
            who.className = "who";
            who.textContent = data.who === "robot" ? "Робот: " : "Должник: ";
            li.append(who, document.createTextNode(data.text || ""));
            $("ol", box).append(li);
          }
          break;
        }
      }
    }
    refreshDashboard();
  }

  // slotText says what the debtor agreed to: the slots a collector acts on
  // (the others are the robot's own bookkeeping), times in local time.
  const slotLabels = { callback_at: "перезвонить", promise_at: "оплата", meeting_at: "встреча", meeting_place: "место", amount: "сумма" };
  function slotText(slots) {
    if (!slots) return "";
    const out = [];
    for (const k of Object.keys(slotLabels)) {
      let v = slots[k];
      if (!v) continue;
      if (/^\d{4}-\d\d-\d\dT/.test(v)) v = new Date(v).toLocaleString("ru-RU", { dateStyle: "short", timeStyle: "short" });
      out.push(slotLabels[k] + ": " + v);
    }
    return out.join(", ");
  }

  let lastSeq = null;
  let retry = 1000;
  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/events");
    ws.addEventListener("open", () => {
      retry = 1000;
      const msg = { subscribe: [] };
      if (lastSeq !== null) msg.after = lastSeq; // resume: what was missed is replayed
      ws.send(JSON.stringify(msg));
      document.documentElement.dataset.live = "on";
    });
    ws.addEventListener("message", (m) => {
      let env;
      try { env = JSON.parse(m.data); } catch (e) { return; }
      if (typeof env.seq === "number") lastSeq = env.seq;
      onEvent(env);
    });
    ws.addEventListener("close", () => {
      document.documentElement.dataset.live = "off";
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }
  if ($("[data-debtor]") || $("#dashboard")) connect();

  // --- the debtor's card: the call button asks the guard
  const callBtn = $("#call-btn");
  if (callBtn) {
    callBtn.addEventListener("click", async () => {
      const out = $("#call-decision");
      out.textContent = "Проверяем 230-ФЗ…";
      const r = await api("GET", "/api/v1/compliance/explain?debtor=" + encodeURIComponent(callBtn.dataset.debtor) + "&channel=human_call");
      if (r.status !== 200) { out.textContent = "Проверка не удалась: " + r.message; return; }
      const d = r.data;
      if (d.allowed) {
        // the service rings the collector's phone first, then the debtor,
        // and bridges them: the number never reaches this page
        out.textContent = "230-ФЗ: звонить можно (" + d.zone + "). Соединяем: сначала зазвонит ваш телефон…";
        const c = await api("POST", "/api/v1/calls/click-to-call", { debtor: callBtn.dataset.debtor });
        if (c.status === 202) out.textContent = "Звонок идёт: ответьте на своём телефоне, затем робот соединит с должником.";
        else out.textContent = "Звонок не состоялся: " + c.message;
      } else {
        const next = d.next_allowed_local ? localTime(d.next_allowed_local) + " (" + d.zone + ")" : "не ближе 45 дней или заблокирован";
        out.textContent = "230-ФЗ: звонить нельзя — " + (d.reasons || [d.reason]).map(reasonLabel).join(", ") + " (" + d.detail + "). Следующее разрешённое время: " + next + ".";
      }
    });
  }

  // --- the console
  let dashTimer = null;
  function refreshDashboard() {
    const dash = $("#dashboard");
    if (!dash || dashTimer) return;
    dashTimer = setTimeout(async () => {
      dashTimer = null;
      const resp = await fetch(dash.dataset.refresh, { credentials: "same-origin" });
      if (resp.ok) dash.innerHTML = await resp.text(); // the server's own rendering, escaped there
    }, 700);
  }
  document.addEventListener("click", async (ev) => {
    const b = ev.target.closest("button");
    if (!b) return;
    if (b.dataset.campaignAction) {
      b.disabled = true;
      const r = await api("POST", "/api/v1/campaigns/" + encodeURIComponent(b.dataset.id) + "/" + b.dataset.campaignAction);
      toast(r.status === 200 ? "Готово" : "Не вышло: " + r.message);
      refreshDashboard();
    } else if (b.dataset.review) {
      b.disabled = true;
      const r = await api("POST", "/api/v1/phones/quarantine/" + b.dataset.review, { phone: b.dataset.phone, debtor: b.dataset.debtor });
      if (r.status === 200) b.closest("tr").remove();
      else { toast("Не вышло: " + r.message); b.disabled = false; }
    } else if (b.dataset.userAction === "disable") {
      if (!confirm("Отключить " + b.dataset.login + "?")) return;
      const r = await api("POST", "/app/users/" + encodeURIComponent(b.dataset.login) + "/disable");
      if (r.status === 204) location.reload(); else toast("Не вышло: " + r.message);
    } else if (b.dataset.userAction === "token") {
      const name = prompt("Название токена (для чего он)", "crm");
      if (name === null) return;
      const r = await api("POST", "/app/users/" + encodeURIComponent(b.dataset.login) + "/tokens", { name, days: 90 });
      if (r.status !== 201) { toast("Не вышло: " + r.message); return; }
      $("#token-once").hidden = false;
      $("#token-value").textContent = r.data.token;
    }
  });

  const upload = $("#upload");
  if (upload) {
    const send = async (file) => {
      const out = $("#upload-report");
      out.textContent = "Загружаем " + file.name + "…";
      const fd = new FormData();
      fd.append("file", file, file.name);
      const r = await api("POST", "/api/v1/portfolios", fd);
      if (r.status !== 200 && r.status !== 201) { out.textContent = "Не загружено: " + r.message; return; }
      showImport(out, r.data, r.status === 200);
      refreshDashboard();
    };
    upload.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const f = $("#up-file").files[0];
      if (f) send(f); else toast("Выберите файл");
    });
    upload.addEventListener("dragover", (ev) => { ev.preventDefault(); upload.classList.add("over"); });
    upload.addEventListener("dragleave", () => upload.classList.remove("over"));
    upload.addEventListener("drop", (ev) => {
      ev.preventDefault();
      upload.classList.remove("over");
      const f = ev.dataTransfer.files[0];
      if (f) send(f);
    });
  }

  function showImport(out, rep, again) {
    out.textContent = "";
    const p = document.createElement("p");
    p.textContent = (again ? "Этот файл уже загружали. " : "") + "Строк: " + rep.rows + ", принято: " + rep.accepted +
      ", должников: " + rep.debtors + ", телефонов: " + rep.phones + ", отклонено: " + rep.rejected.length + ".";
    out.append(p);
    if (!rep.rejected.length) return;
    const table = document.createElement("table");
    table.className = "rejected";
    table.innerHTML = '<caption>Отклонённые строки</caption><thead><tr><th scope="col">Строка</th><th scope="col">Причина</th></tr></thead>';
    const body = document.createElement("tbody");
    for (const r of rep.rejected) {
      const tr = document.createElement("tr");
      const a = document.createElement("td"), b = document.createElement("td");
      a.textContent = r.line;
      b.textContent = r.reason;
      tr.append(a, b);
      body.append(tr);
    }
    table.append(body);
    out.append(table);
  }

  const newCampaign = $("#new-campaign");
  if (newCampaign) {
    newCampaign.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = newCampaign;
      const sel = { region: f.region.value.trim(), collector: f.collector.value.trim(), outcome: f.outcome.value };
      const body = { name: f.name.value.trim(), script: f.script.value, selection: sel, channels: Number(f.channels.value) || 0 };
      const r = await api("POST", "/api/v1/campaigns", body);
      $("#new-campaign-result").textContent = r.status === 201 ? "Кампания создана: " + r.data.counters.tasks + " номеров" : "Не создана: " + r.message;
      refreshDashboard();
    });
  }

  const addUser = $("#add-user");
  if (addUser) {
    addUser.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = addUser;
      const r = await api("POST", "/app/users", { login: f.login.value.trim(), role: f.role.value, password: f.password.value, recordings: f.recordings.checked });
      if (r.status === 201) location.reload(); else toast("Не добавлен: " + r.message);
    });
  }

  const newScript = $("#new-script");
  if (newScript) {
    newScript.addEventListener("submit", (ev) => {
      ev.preventDefault();
      location.href = "/app/scripts/" + encodeURIComponent(newScript.name.value.trim());
    });
  }

  // --- the script editor: lint as you type, run the cases, publish
  const editor = $("#editor");
  if (editor) {
    const text = $("#script-text");
    const gutter = $("#gutter");
    const name = editor.dataset.name;
    let marks = {};
    const drawGutter = () => {
      const n = text.value.split("\n").length;
      gutter.textContent = "";
      for (let i = 1; i <= n; i++) {
        const s = document.createElement("span");
        s.textContent = i + "\n";
        if (marks[i]) s.className = marks[i];
        gutter.append(s);
      }
      gutter.scrollTop = text.scrollTop;
    };
    text.addEventListener("scroll", () => { gutter.scrollTop = text.scrollTop; });
    let lintTimer = null, lintSeq = 0;
    const lint = async () => {
      const seq = ++lintSeq;
      const r = await api("POST", "/api/v1/scripts/" + encodeURIComponent(name) + "/lint", text.value, "application/yaml");
      if (seq !== lintSeq) return; // the author typed on: a newer answer comes
      const list = $("#lint-notes");
      list.textContent = "";
      marks = {};
      if (r.status !== 200) { $("#lint-state").textContent = "Проверка не удалась: " + r.message; return; }
      let errors = 0;
      for (const n of r.data.notes) {
        const li = document.createElement("li");
        li.className = n.warning ? "warn" : "bad";
        li.textContent = (n.file ? n.file + ":" : "строка ") + n.line + ": " + (n.warning ? "предупреждение: " : "") + n.message;
        if (!n.file) {
          li.dataset.line = n.line;
          li.tabIndex = 0;
          marks[n.line] = n.warning ? marks[n.line] || "warn" : "bad";
        }
        if (!n.warning) errors++;
        list.append(li);
      }
      $("#lint-state").textContent = errors ? "Ошибок: " + errors + " — публикация невозможна" : "Ошибок нет";
      $("#publish").disabled = errors > 0;
      drawGutter();
    };
    text.addEventListener("input", () => {
      drawGutter();
      clearTimeout(lintTimer);
      lintTimer = setTimeout(lint, 400);
    });
    // a note takes the author to its line
    $("#lint-notes").addEventListener("click", (ev) => goLine(ev.target.closest("li")));
    $("#lint-notes").addEventListener("keydown", (ev) => { if (ev.key === "Enter") goLine(ev.target.closest("li")); });
    function goLine(li) {
      if (!li || !li.dataset.line) return;
      const lines = text.value.split("\n");
      const at = lines.slice(0, Number(li.dataset.line) - 1).join("\n").length + (li.dataset.line > 1 ? 1 : 0);
      text.focus();
      text.setSelectionRange(at, at + (lines[li.dataset.line - 1] || "").length);
    }
    $("#run-cases").addEventListener("click", async () => {
      const out = $("#case-report");
      out.textContent = "Прогоняем кейсы…";
      const r = await api("POST", "/api/v1/scripts/" + encodeURIComponent(name) + "/test", text.value, "application/yaml");
      if (r.status !== 200) { out.textContent = "Не прогнано: " + r.message; return; }
      const rep = r.data;
      out.textContent = "";
      const p = document.createElement("p");
      p.textContent = "Пройдено " + rep.passed + " из " + rep.cases + " (" + rep.pass_rate + "%), покрытие веток " + rep.coverage.node_percent + "%.";
      out.append(p);
      const ul = document.createElement("ul");
      for (const c of rep.results.filter((c) => !c.passed)) {
        const li = document.createElement("li");
        li.className = "bad";
        li.textContent = c.place + " «" + c.name + "»: " + c.reason;
        ul.append(li);
      }
      out.append(ul);
    });
    $("#publish").addEventListener("click", async () => {
      const r = await api("PUT", "/api/v1/scripts/" + encodeURIComponent(name), text.value, "application/yaml");
      if (r.status === 200 || r.status === 201) toast("Опубликовано: версия " + (r.data.version || "—") + ". Новые звонки идут по ней.");
      else toast("Не опубликовано: " + r.message);
    });
    drawGutter();
    lint();
  }
})();
