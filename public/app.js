/* global window, document, localStorage, fetch, crypto */
/*
 * The chat page: language picker, token from the service, Web Chat over Direct Line.
 * Remembers (in this browser's localStorage only) the language, the user id and the conversation's
 * token, so a reload continues the same conversation. Every text comes from /api/locales.
 */
(function () {
  'use strict';
  var STORE_KEY = 'tonder-webchat';
  // Web Chat's UI strings per language tag (the bundle has English only), file names filled in by the build (src/web/assets.ts)
  var WEBCHAT_STRINGS = {};
  var loadedStrings = {};
  var state = load();
  var locales = [];
  var directLine = null;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(STORE_KEY) || '{}') || {};
    } catch {
      return {};
    }
  }
  function save() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch {
      /* private mode: the conversation just does not survive a reload */
    }
  }
  function $(id) {
    return document.getElementById(id);
  }
  function randomId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return 'u_' + Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function localeOf(code) {
    for (var i = 0; i < locales.length; i++) if (locales[i].code === code) return locales[i];
    return null;
  }

  /** Page texts and direction for a language (English texts for any it lacks: the server merges them). */
  function applyLanguage(locale) {
    var t = locale.page;
    document.documentElement.lang = locale.code;
    document.documentElement.dir = locale.dir;
    document.title = t.title;
    $('heading').textContent = t.heading;
    $('picker-heading').textContent = t.chooseLanguage;
    $('chat-heading').textContent = t.chat;
    $('privacy-link').textContent = t.privacy;
    $('privacy-link').href = '/privacy.html#' + locale.code;
    $('change-language').textContent = t.languages;
    $('new-conversation').textContent = t.newConversation;
  }

  function showPicker() {
    var list = $('languages');
    list.textContent = '';
    locales.forEach(function (l) {
      var item = document.createElement('li');
      var button = document.createElement('button');
      button.type = 'button';
      button.lang = l.code;
      button.dir = l.dir;
      button.textContent = l.name;
      button.setAttribute('data-locale', l.code);
      button.addEventListener('click', function () {
        choose(l.code);
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    $('chat').hidden = true;
    $('change-language').hidden = true;
    $('picker').hidden = false;
    var first = list.querySelector('button');
    if (first) first.focus();
  }

  function choose(code) {
    var changed = state.locale !== code;
    state.locale = code;
    save();
    // The conversation is running: tell the bot, so it speaks the page's new language too.
    if (directLine && changed) directLine.postActivity({ type: 'event', name: 'setLanguage', value: code, locale: code, from: { id: state.userId } }).subscribe(function () {}, function () {});
    startChat();
  }

  /** When the bot answers in another enabled language (the user switched in the chat), the page follows: texts and direction. */
  var lastBotLocale;
  function followBot(activity) {
    if (!activity || activity.type !== 'message' || !activity.from || activity.from.id === state.userId) return;
    var code = (activity.locale || '').split('-')[0];
    // Only a change of the bot's language counts (the transcript replayed after a reload is not one).
    var previous = lastBotLocale;
    lastBotLocale = code;
    if (!code || !previous || code === previous || code === state.locale || !localeOf(code)) return;
    state.locale = code;
    save();
    var locale = localeOf(code);
    applyLanguage(locale);
    webchatStrings(locale.webchatLocale).then(function () {
      render(locale);
    });
  }

  /** A token for this browser's conversation: renewed when we have one, otherwise a new conversation. */
  function getToken() {
    if (!state.userId) state.userId = randomId();
    var headers = { 'Content-Type': 'application/json' };
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    var renewing = Boolean(state.token);
    return fetch('/api/directline/token', { method: 'POST', headers: headers, body: JSON.stringify({ user: { id: state.userId } }) })
      .then(function (res) {
        if (res.ok) {
          return res.json().then(function (answer) {
            answer.renewed = renewing;
            return answer;
          });
        }
        if (state.token && (res.status === 401 || res.status === 403 || res.status === 404)) {
          // the old conversation is gone (expired or deleted): start a new one
          delete state.token;
          delete state.conversationId;
          return getToken();
        }
        throw new Error('token ' + res.status);
      })
      .then(function (answer) {
        state.token = answer.token;
        state.conversationId = answer.conversationId;
        state.domain = /^https?:/.test(answer.domain) ? answer.domain : window.location.origin + answer.domain;
        save();
        return answer;
      });
  }

  /** The token is asked for as the page opens (it does not depend on the language); once per page. */
  var tokenPromise = null;
  function tokenOnce() {
    if (!tokenPromise) {
      tokenPromise = getToken();
      tokenPromise.catch(function () {
        tokenPromise = null; // offline: the next try asks again
      });
    }
    return tokenPromise;
  }

  /**
   * What Web Chat's Direct Line needs. A new conversation is started here, while Web Chat still
   * downloads, so that Web Chat only has to open the WebSocket (given a token, a conversation and
   * its stream URL, DirectLineJS skips its own start). A conversation the page continues is left
   * to DirectLineJS, which asks for the messages since the last one it has.
   */
  function connection(locale, retried) {
    return tokenOnce().then(function (answer) {
      if (answer.renewed) return { token: state.token };
      return fetch(state.domain + '/conversations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + state.token },
        body: JSON.stringify({ user: { id: state.userId }, locale: locale.code })
      })
        .then(function (res) {
          if ((res.status === 401 || res.status === 403) && !retried) {
            // the token asked for when the page opened has expired meanwhile: a new one
            tokenPromise = null;
            delete state.token;
            return connection(locale, true);
          }
          if (!res.ok) throw new Error('conversation ' + res.status);
          return res.json().then(function (started) {
            state.token = started.token;
            state.conversationId = started.conversationId;
            save();
            return { token: started.token, conversationId: started.conversationId, streamUrl: started.streamUrl, socket: started.streamUrl ? earlySocket(started.streamUrl) : null };
          });
        });
    });
  }

  /**
   * The conversation's WebSocket, opened as soon as the conversation has started (while Web Chat
   * still downloads), then handed over to Web Chat's DirectLineJS as if it had opened it: its
   * events so far are replayed in order, so the bot's first message is already there.
   */
  function earlySocket(url) {
    var socket = new window.WebSocket(url);
    var queue = [];
    var target = null;
    function deliver(kind, event) {
      if (!target) return queue.push([kind, event]);
      if (typeof target[kind] === 'function') target[kind](event);
    }
    ['onopen', 'onmessage', 'onclose', 'onerror'].forEach(function (kind) {
      socket[kind] = function (event) {
        deliver(kind, event);
      };
    });
    return {
      url: url,
      /** What DirectLineJS gets for `new WebSocket(url)`: it sets the handlers first, then the queued events arrive. */
      take: function () {
        var handle = {
          send: function (data) {
            socket.send(data);
          },
          close: function () {
            socket.close();
          }
        };
        Object.defineProperty(handle, 'readyState', {
          get: function () {
            return socket.readyState;
          }
        });
        window.setTimeout(function () {
          target = handle;
          queue.splice(0).forEach(function (item) {
            deliver(item[0], item[1]);
          });
        }, 0);
        return handle;
      },
      close: function () {
        if (!target) socket.close();
      }
    };
  }

  /** Web Chat's UI strings for a language, fetched once (in parallel with Web Chat); English ones when they cannot be had. */
  var stringRequests = {};
  function webchatStrings(tag) {
    if (!WEBCHAT_STRINGS[tag]) return Promise.resolve({});
    if (!stringRequests[tag]) {
      stringRequests[tag] = fetch(WEBCHAT_STRINGS[tag])
        .then(function (res) {
          if (!res.ok) throw new Error('strings ' + res.status);
          return res.json();
        })
        .then(function (strings) {
          loadedStrings[tag] = strings;
          return strings;
        })
        .catch(function () {
          delete stringRequests[tag];
          return {};
        });
    }
    return stringRequests[tag];
  }

  /** Web Chat's script is `async` (index.html): the page works, and the picker shows, while it downloads. */
  function webChatLoaded() {
    return new Promise(function (resolve, reject) {
      if (window.WebChat) return resolve();
      var script = $('webchat-script');
      script.addEventListener('load', function () {
        resolve();
      });
      script.addEventListener('error', reject);
    });
  }

  function startChat() {
    var locale = localeOf(state.locale) || locales[0];
    applyLanguage(locale);
    $('picker').hidden = true;
    $('status').textContent = locale.page.loading;
    // the token, the conversation's start and Web Chat (loading since the page opened) in parallel: slow networks feel every round trip
    var strings = webchatStrings(locale.webchatLocale);
    var connected = directLine ? Promise.resolve() : Promise.all([connection(locale), webChatLoaded()]).then(function (results) {
      var started = results[0];
      var early = started.socket;
      directLine = window.WebChat.createDirectLine({
        WebSocket: function (url) {
          if (early && url === early.url) {
            var socket = early.take();
            early = null;
            return socket;
          }
          return new window.WebSocket(url);
        },
        token: started.token,
        conversationId: started.conversationId,
        streamUrl: started.streamUrl,
        domain: state.domain,
        webSocket: true,
        conversationStartProperties: { locale: locale.code }
      });
      // DirectLineJS renews the token itself only when it started the conversation; this one it did not
      if (started.streamUrl && typeof directLine.refreshTokenLoop === 'function') directLine.refreshTokenLoop();
      // Web Chat connects first (it sets the user id, which DirectLineJS refuses once connected); the page listens from then on
      var listening = false;
      directLine.connectionStatus$.subscribe(function (status) {
        if (status !== 2 || listening) return; // 2: online
        listening = true;
        directLine.activity$.subscribe(followBot);
      });
      // keep the renewed token, so a reload tomorrow can still continue the conversation
      var renew = window.setInterval(function () {
        if (directLine.token && directLine.token !== state.token) {
          state.token = directLine.token;
          save();
        }
      }, 5000);
      window.addEventListener('pagehide', function () {
        window.clearInterval(renew);
      });
    });
    var ready = Promise.all([connected, strings]);
    ready
      .then(function () {
        // the page's script font (app.css) may load now, after Web Chat: on a slow network they do not share the bandwidth
        document.documentElement.classList.add('webchat-ready');
        render(locale);
        $('status').textContent = '';
        $('chat').hidden = false;
        $('change-language').hidden = false;
        $('new-conversation').hidden = false;
      })
      .catch(function () {
        $('status').textContent = locale.page.offline;
      });
  }

  function render(locale) {
    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        userID: state.userId,
        locale: locale.webchatLocale,
        dir: locale.dir,
        overrideLocalizedStrings: Object.assign({}, loadedStrings[locale.webchatLocale] || {}, locale.ui),
        styleOptions: {
          hideUploadButton: true,
          rootHeight: '100%',
          // a script font from the server (e.g. Ethiopic for Tigrinya) first: it loads only in that language
          primaryFont: (locale.font ? "'" + locale.font + "', " : '') + "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Naskh Arabic', sans-serif",
          bubbleBorderRadius: 8,
          bubbleFromUserBorderRadius: 8,
          bubbleFromUserBackground: '#e6f0f5',
          suggestedActionLayout: 'flow',
          sendBoxTextWrap: true,
          markdownRespectCRLF: true,
          accent: '#00456b'
        }
      },
      $('webchat')
    );
  }

  function newConversation() {
    delete state.token;
    delete state.conversationId;
    save();
    window.location.reload();
  }

  $('change-language').addEventListener('click', showPicker);
  $('new-conversation').addEventListener('click', newConversation);

  tokenOnce().catch(function () {
    /* shown when the chat starts */
  });
  fetch('/api/locales')
    .then(function (res) {
      return res.json();
    })
    .then(function (body) {
      locales = body.locales;
      var start = localeOf(state.locale) || localeOf((window.navigator.language || '').slice(0, 2)) || locales[0];
      applyLanguage(start);
      if (localeOf(state.locale)) startChat();
      else showPicker();
    })
    .catch(function () {
      // no texts could be loaded: the fallback sentence lives in index.html
      $('status').textContent = $('status').getAttribute('data-offline');
    });
})();
