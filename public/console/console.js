/* global window, document, fetch, EventSource, localStorage */
/*
 * The caseworker console: sign-in, the live queue (Server-Sent Events), a conversation with its
 * transcript and details, and the caseworker's actions. It uses only /console/api/ (documented
 * in the README). Every text a citizen or a colleague wrote is shown with textContent, never as
 * HTML; bubbles have dir="auto" so Arabic, Farsi and Pashto read right to left.
 */
(function () {
  'use strict';
  var T = {
    da: {
      title: 'Sagsbehandlerkonsol', signin: 'Log ind', user: 'Brugernavn', password: 'Adgangskode', logout: 'Log ud',
      queue: 'Kø', queue_empty: 'Ingen venter lige nu.', conversation: 'Samtale', claim: 'Tildel mig',
      release: 'Giv tilbage til botten', close: 'Luk', transfer_to: 'Overdrag til', transfer: 'Overdrag',
      transcript: 'Samtaleforløb', reply_label: 'Svar til borgeren', send: 'Send',
      notes: 'Interne noter (ses aldrig af borgeren)', note_label: 'Ny note', add_note: 'Gem note',
      waiting: 'Venter', assigned: 'Hos', urgent: 'AKUT', language: 'Sprog', topic: 'Emne', reason: 'Årsag',
      state: 'Status', owner: 'Sagsbehandler', channel: 'Kanal', profile: 'Profil', path: 'Vej i botten',
      waited: 'Ventetid', emergency: 'Nødsituation', yes: 'Ja', no: 'Nej', position: 'Plads i køen',
      from_user: 'Borger', from_bot: 'Bot', from_caseworker: 'Sagsbehandler', timed_out: 'ingen har svaret i tide',
      new_handoff: 'Ny henvendelse', live_on: 'Live: køen opdateres af sig selv.', live_off: 'Forbindelsen er afbrudt; prøver igen …',
      queued: 'venter', 'state_assigned': 'tildelt', closed: 'lukket', bot: 'hos botten',
      group: 'Gruppe', children: 'Børn', child_age: 'Barnets alder', none: '–', signed_in_as: 'Logget ind som',
      oidc_microsoft: 'Log ind med Microsoft', oidc_other: 'Log ind med organisationens konto', or: 'eller',
    },
    en: {
      title: 'Caseworker console', signin: 'Sign in', user: 'User name', password: 'Password', logout: 'Sign out',
      queue: 'Queue', queue_empty: 'Nobody is waiting right now.', conversation: 'Conversation', claim: 'Assign to me',
      release: 'Hand back to the bot', close: 'Close', transfer_to: 'Transfer to', transfer: 'Transfer',
      transcript: 'Transcript', reply_label: 'Reply to the citizen', send: 'Send',
      notes: 'Internal notes (never shown to the citizen)', note_label: 'New note', add_note: 'Save note',
      waiting: 'Waiting', assigned: 'With', urgent: 'URGENT', language: 'Language', topic: 'Topic', reason: 'Reason',
      state: 'State', owner: 'Caseworker', channel: 'Channel', profile: 'Profile', path: 'Path in the bot',
      waited: 'Waiting time', emergency: 'Emergency', yes: 'Yes', no: 'No', position: 'Place in queue',
      from_user: 'Citizen', from_bot: 'Bot', from_caseworker: 'Caseworker', timed_out: 'nobody answered in time',
      new_handoff: 'New request', live_on: 'Live: the queue updates by itself.', live_off: 'Connection lost; retrying …',
      queued: 'waiting', 'state_assigned': 'assigned', closed: 'closed', bot: 'with the bot',
      group: 'Group', children: 'Children', child_age: 'Child\'s age', none: '–', signed_in_as: 'Signed in as',
      oidc_microsoft: 'Sign in with Microsoft', oidc_other: 'Sign in with your organisation\'s account', or: 'or',
    },
  };
  var LANGS = { da: 'Dansk', en: 'English', de: 'Deutsch', uk: 'Українська', ru: 'Русский', ar: 'العربية', fa: 'فارسی', ps: 'پښتو', ti: 'ትግርኛ', so: 'Soomaali' };
  var ui = localStorage.getItem('tonder-console-lang') === 'en' ? 'en' : 'da';
  var session = null;
  var items = [];
  var openId = null;
  var openData = null;
  var events = null;
  var flashTimer = null;
  var baseTitle = document.title;

  function $(id) { return document.getElementById(id); }
  function t(key) { return (T[ui] && T[ui][key]) || T.en[key] || key; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function applyTexts() {
    document.documentElement.lang = ui;
    var nodes = document.querySelectorAll('[data-t]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute('data-t'));
    baseTitle = t('title') + ' – Tønder Kommune';
    document.title = baseTitle;
    var toggle = $('lang-toggle');
    toggle.textContent = ui === 'da' ? 'English' : 'Dansk';
    toggle.lang = ui === 'da' ? 'en' : 'da';
    renderQueue();
    if (openData) renderConversation();
  }

  function api(method, path, body) {
    var headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && session) headers['X-CSRF-Token'] = session.csrfToken;
    return fetch('/console/api' + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.status === 401 && path !== '/login') showSignin();
        if (!res.ok) {
          var err = new Error((data.error && data.error.message) || res.statusText);
          err.status = res.status;
          throw err;
        }
        return data;
      });
    });
  }

  function showSignin() {
    session = null;
    if (events) events.close();
    events = null;
    $('signin').hidden = false;
    $('desk').hidden = true;
    $('logout').hidden = true;
    $('who').hidden = true;
  }

  function showDesk() {
    $('signin').hidden = true;
    $('desk').hidden = false;
    $('logout').hidden = false;
    $('who').hidden = false;
    $('who').textContent = t('signed_in_as') + ' ' + session.user + (session.role === 'admin' ? ' (admin)' : '');
    loadQueue();
    listen();
    openFromLink();
  }

  /** A link to one conversation (the Teams card's "Open in console"): /console#conversation=<id>. */
  function openFromLink() {
    var m = /^#conversation=(.+)$/.exec(window.location.hash);
    if (!m) return;
    var id;
    try { id = decodeURIComponent(m[1]); } catch { return; }
    open(id);
  }
  window.addEventListener('hashchange', function () { if (session) openFromLink(); });

  function waited(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var sec = s % 60;
    return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(sec).padStart(2, '0');
  }
  function secondsSince(iso) { return (Date.now() - Date.parse(iso)) / 1000; }
  function langName(code) { return (LANGS[code] || code) + ' (' + code + ')'; }
  function reasonOf(item) { return (item.reasonText && item.reasonText[ui]) || item.reason; }

  function loadQueue() {
    return api('GET', '/queue').then(function (data) {
      var before = {};
      for (var i = 0; i < items.length; i++) before[items[i].conversationId] = true;
      var fresh = data.items.some(function (x) { return x.state === 'queued' && !before[x.conversationId]; });
      var first = items.length === 0 && !loadQueue.done;
      items = data.items;
      loadQueue.done = true;
      renderQueue();
      if (fresh && !first) alertNew();
    }).catch(function () {});
  }

  function renderQueue() {
    var list = $('queue');
    list.textContent = '';
    $('queue-count').textContent = String(items.filter(function (x) { return x.state === 'queued'; }).length);
    $('queue-empty').hidden = items.length > 0;
    items.forEach(function (item) {
      var li = el('li');
      var b = el('button', 'queue-item');
      b.type = 'button';
      b.setAttribute('data-id', item.conversationId);
      if (item.conversationId === openId) b.setAttribute('aria-current', 'true');
      var row1 = el('span', 'row');
      var lang = el('span', 'lang', langName(item.language));
      row1.appendChild(lang);
      var badges = el('span');
      if (item.emergency) badges.appendChild(el('span', 'badge urgent', t('urgent')));
      if (item.state === 'assigned') badges.appendChild(el('span', 'badge assigned', t('assigned') + ' ' + item.owner));
      row1.appendChild(badges);
      b.appendChild(row1);
      b.appendChild(el('span', 'topic', item.topic + ' · ' + reasonOf(item)));
      var row2 = el('span', 'row small muted');
      var wait = el('span', 'waiting', t('waiting') + ' ' + waited(secondsSince(item.requestedAt)));
      wait.setAttribute('data-since', item.requestedAt);
      row2.appendChild(wait);
      row2.appendChild(el('span', 'channel', item.channel + (item.timedOut ? ' · ' + t('timed_out') : '')));
      b.appendChild(row2);
      b.addEventListener('click', function () { open(item.conversationId); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function open(id, refresh) {
    openId = id;
    renderQueue();
    return api('GET', '/conversations/' + encodeURIComponent(id) + (refresh ? '?refresh=1' : '')).then(function (data) {
      openData = data;
      renderConversation();
    }).catch(function (err) { showError(err); });
  }

  function detail(dl, label, value) {
    dl.appendChild(el('dt', '', label));
    var dd = el('dd', '', value === undefined || value === null || value === '' ? t('none') : value);
    dd.setAttribute('dir', 'auto');
    dl.appendChild(dd);
  }

  function renderConversation() {
    var d = openData;
    $('conversation').hidden = false;
    var dl = $('details');
    dl.textContent = '';
    var p = d.profile || {};
    detail(dl, t('state'), t(d.state === 'assigned' ? 'state_assigned' : d.state));
    detail(dl, t('owner'), d.owner);
    detail(dl, t('language'), langName(d.language));
    detail(dl, t('topic'), d.topic);
    detail(dl, t('reason'), reasonOf(d));
    detail(dl, t('emergency'), d.emergency ? t('yes') : t('no'));
    detail(dl, t('waited'), waited(secondsSince(d.requestedAt)));
    if (d.position) detail(dl, t('position'), d.position);
    detail(dl, t('channel'), d.channel);
    detail(dl, t('profile'), [p.group ? t('group') + ': ' + p.group : '', p.has_children !== undefined ? t('children') + ': ' + (p.has_children ? t('yes') : t('no')) : '', p.child_age !== undefined ? t('child_age') + ': ' + p.child_age : ''].filter(Boolean).join(', '));
    detail(dl, t('path'), (d.path || []).join(' → '));
    var mine = session && d.owner === session.user;
    var admin = session && session.role === 'admin';
    $('claim').disabled = d.state !== 'queued';
    $('release').disabled = !(d.state === 'assigned' && (mine || admin));
    $('close').disabled = !((d.state === 'queued') || (d.state === 'assigned' && (mine || admin)));
    $('reply').disabled = !mine;
    $('reply-form').querySelector('button').disabled = !mine;
    var list = $('transcript');
    list.textContent = '';
    (d.transcript || []).forEach(function (entry) {
      var li = el('li', 'bubble from-' + entry.from);
      var who = entry.from === 'caseworker' ? t('from_caseworker') + (entry.author ? ' ' + entry.author : '') : t('from_' + entry.from);
      li.appendChild(el('span', 'meta', who + ' · ' + new Date(entry.at).toLocaleTimeString(ui === 'da' ? 'da-DK' : 'en-GB') + (entry.locale ? ' · ' + entry.locale : '')));
      var text = el('span', 'text', entry.text);
      text.setAttribute('dir', 'auto');
      if (entry.locale) text.setAttribute('lang', entry.locale);
      li.appendChild(text);
      list.appendChild(li);
    });
    list.scrollTop = list.scrollHeight;
    var notes = $('notes');
    notes.textContent = '';
    (d.notes || []).forEach(function (n) {
      var li = el('li');
      li.appendChild(el('strong', '', n.author + ': '));
      var text = el('span', '', n.text);
      text.setAttribute('dir', 'auto');
      li.appendChild(text);
      notes.appendChild(li);
    });
  }

  function showError(err) {
    var box = $('action-error');
    box.textContent = err && err.message ? err.message : String(err);
    box.hidden = false;
    window.setTimeout(function () { box.hidden = true; }, 8000);
  }

  function act(path, body) {
    if (!openId) return Promise.resolve();
    return api('POST', '/conversations/' + encodeURIComponent(openId) + path, body === undefined ? {} : body)
      .then(function () { return Promise.all([open(openId, true), loadQueue()]); })
      .catch(function (err) { showError(err); if (err.status === 409 || err.status === 404) { loadQueue(); open(openId, true); } });
  }

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.08;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.25);
    } catch { /* no sound on this device */ }
  }

  function alertNew() {
    beep();
    if (flashTimer) return;
    var on = false;
    flashTimer = window.setInterval(function () {
      on = !on;
      document.title = on ? '● ' + t('new_handoff') : baseTitle;
      if (document.hasFocus() && !on) { window.clearInterval(flashTimer); flashTimer = null; document.title = baseTitle; }
    }, 1000);
  }

  function listen() {
    if (events) events.close();
    events = new EventSource('/console/api/events');
    events.onopen = function () { $('live').textContent = t('live_on'); };
    events.onerror = function () { $('live').textContent = t('live_off'); };
    events.addEventListener('handoff', function (e) {
      var ev = {};
      try { ev = JSON.parse(e.data); } catch { return; }
      loadQueue();
      if (ev.conversationId && ev.conversationId === openId) open(openId, true);
    });
  }

  $('signin-form').addEventListener('submit', function (e) {
    e.preventDefault();
    $('signin-error').hidden = true;
    api('POST', '/login', { user: $('user').value, password: $('password').value }).then(function (data) {
      session = data;
      $('password').value = '';
      showDesk();
    }).catch(function (err) {
      $('signin-error').textContent = err.message;
      $('signin-error').hidden = false;
    });
  });
  $('logout').addEventListener('click', function () {
    api('POST', '/logout', {}).catch(function () { return {}; }).then(function (data) {
      // Signed in through the provider: end its session too (it sends the browser back here).
      if (data && typeof data.providerLogoutUrl === 'string' && /^https?:\/\//.test(data.providerLogoutUrl)) window.location.assign(data.providerLogoutUrl);
      else showSignin();
    });
  });

  /** Which sign-ins the service offers: OpenID Connect ("Sign in with Microsoft"), password, or both. */
  function applySignInOptions(options) {
    var oidc = options && options.oidc;
    var local = !options || options.localLogin !== false;
    if (oidc) $('oidc-signin').setAttribute('data-t', oidc.provider === 'microsoft' ? 'oidc_microsoft' : 'oidc_other');
    $('oidc').hidden = !oidc;
    $('signin-form').hidden = !local;
    $('signin-or').hidden = !(oidc && local);
    applyTexts();
  }
  $('lang-toggle').addEventListener('click', function () {
    ui = ui === 'da' ? 'en' : 'da';
    localStorage.setItem('tonder-console-lang', ui);
    applyTexts();
    if (session) $('who').textContent = t('signed_in_as') + ' ' + session.user;
  });
  $('claim').addEventListener('click', function () { act('/claim'); });
  $('release').addEventListener('click', function () { act('/release'); });
  $('close').addEventListener('click', function () { act('/close'); });
  $('transfer-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var to = $('transfer-to').value.trim();
    if (to) act('/transfer', { to: to }).then(function () { $('transfer-to').value = ''; });
  });
  $('reply-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('reply').value;
    if (!text.trim()) return;
    act('/messages', { text: text }).then(function () { $('reply').value = ''; });
  });
  $('note-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('note').value;
    if (!text.trim()) return;
    act('/notes', { text: text }).then(function () { $('note').value = ''; });
  });
  window.setInterval(function () {
    var spans = document.querySelectorAll('#queue .waiting');
    for (var i = 0; i < spans.length; i++) spans[i].textContent = t('waiting') + ' ' + waited(secondsSince(spans[i].getAttribute('data-since')));
  }, 1000);

  applyTexts();
  api('GET', '/config').then(applySignInOptions).catch(function () {});
  api('GET', '/session').then(function (data) { session = data; showDesk(); }).catch(showSignin);
})();
