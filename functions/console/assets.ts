/**
 * The operator console's stylesheet and script, served as files (`/console/assets/console.css|js`) so the page's
 * Content-Security-Policy allows scripts and styles from this origin only, never inline. The script builds the page
 * with DOM calls only (`textContent`, never `innerHTML`: the CSP also requires Trusted Types for script sinks).
 *
 * What the script does:
 * - Sign-in: OIDC authorization code + PKCE (S256) at the configured issuer (its discovery document names the
 *   endpoints), the access token kept in `sessionStorage` for this tab only; a 401 signs in again.
 * - `/console`: orders of a day by status and enterprise (GET /v1/orders), a search by orderId, userId or subscriberId.
 * - `/console/orders/{orderId}`: the order's status, failure cause and timeline (GET /v1/orders/{orderId}: every step,
 *   status change, retry and throttling wait from the audit trail, with times and durations); Retry for a failed order
 *   (POST /v1/orders/{orderId}/retry).
 * - `/console/subscribers/{subscriberId}`: the subscriber's status from Webex and its audit trail.
 */

export const CONSOLE_STYLE = `
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9}
header{background:#0b3d5c;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600;font-size:17px}
header form{display:flex;gap:6px;flex:1 1 280px;max-width:560px}
header input{flex:1;min-width:0;padding:6px 8px;border-radius:6px;border:1px solid #8aa;font:inherit}
button{font:inherit;padding:6px 12px;border-radius:6px;border:1px solid #0b3d5c;background:#fff;color:#0b3d5c;cursor:pointer}
button.primary{background:#0b3d5c;color:#fff}
header button{border-color:#fff}
#who{font-size:13px;opacity:.85;margin-left:auto}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:4px 0 12px;word-break:break-all}
h2{font-size:17px;margin:20px 0 8px}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:12px 16px;margin:0 0 16px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
.facts dt{color:#555}.facts dd{margin:0;word-break:break-all}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end}
.filters label{display:flex;flex-direction:column;font-size:13px;color:#444}
.filters input,.filters select{font:inherit;padding:5px 6px;border:1px solid #bbb;border-radius:6px}
.table{width:100%;overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e6e8eb;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-size:13px;color:#333;white-space:nowrap}
td.num{white-space:nowrap;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:700;background:#e9ecef;color:#333}
.SUCCEEDED,.provisioned,.success{background:#d3f9d8;color:#1b5e20}
.FAILED,.failure,.error,.TIMED_OUT,.ABORTED{background:#ffe3e3;color:#a51111}
.RUNNING,.provisioning,.updating{background:#e7f5ff;color:#0b4f8a}
.muted{color:#666;font-size:13px}
.alert{background:#fff4e6;border:1px solid #ffc078;border-radius:8px;padding:8px 12px;margin:0 0 16px}
.more{margin-top:8px}
@media (max-width:640px){
  main{padding:10px}
  header{padding:8px 10px}
  #who{margin-left:0;width:100%}
  table.stack thead{display:none}
  table.stack tr{display:block;border-bottom:2px solid #dde1e6;padding:4px 0}
  table.stack td{display:grid;grid-template-columns:7.5em 1fr;gap:8px;border:0;padding:2px 6px}
  table.stack td::before{content:attr(data-label);color:#666;font-size:13px}
}
`.trim();

export const CONSOLE_SCRIPT = String.raw`(function () {
  'use strict';
  var body = document.body;
  var issuer = body.getAttribute('data-issuer') || '';
  var clientId = body.getAttribute('data-client-id') || '';
  var scopes = body.getAttribute('data-scopes') || '';
  var app = document.getElementById('app');
  var who = document.getElementById('who');
  var TOKEN = 'console.token';
  var PENDING = 'console.pending';
  var redirectUri = location.origin + '/console';

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show() { clear(app); for (var i = 0; i < arguments.length; i++) if (arguments[i]) app.appendChild(arguments[i]); }
  function badge(value) { return el('span', { className: 'badge ' + value, text: value }); }
  function link(href, text) {
    var a = el('a', { href: href, text: text });
    a.addEventListener('click', function (event) {
      if (event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      navigate(href);
    });
    return a;
  }
  function fmtTime(iso) { return iso ? iso.replace('T', ' ').replace('Z', ' UTC') : ''; }
  function fmtDuration(ms) {
    if (!(ms >= 0)) return '';
    if (ms < 1000) return ms + ' ms';
    var s = ms / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + Math.round(s - m * 60) + ' s';
    var h = Math.floor(m / 60);
    return h + ' h ' + (m - h * 60) + ' min';
  }
  function b64url(bytes) {
    var text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function random() { var bytes = new Uint8Array(32); crypto.getRandomValues(bytes); return b64url(bytes); }

  // ---- Sign-in: authorization code + PKCE ------------------------------------------------------------------
  function discover() {
    return fetch(issuer.replace(/\/+$/, '') + '/.well-known/openid-configuration').then(function (response) {
      if (!response.ok) throw new Error('The identity provider answered ' + response.status + ' to discovery.');
      return response.json();
    });
  }
  function signIn() {
    var verifier = random();
    var state = random();
    return crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (hash) {
      sessionStorage.setItem(PENDING, JSON.stringify({
        state: state, verifier: verifier, back: location.pathname + location.search
      }));
      return discover().then(function (oidc) {
        var url = new URL(oidc.authorization_endpoint);
        url.searchParams.set('response_type', 'code');
        url.searchParams.set('client_id', clientId);
        url.searchParams.set('redirect_uri', redirectUri);
        url.searchParams.set('scope', 'openid ' + scopes);
        url.searchParams.set('state', state);
        url.searchParams.set('code_challenge', b64url(new Uint8Array(hash)));
        url.searchParams.set('code_challenge_method', 'S256');
        show(el('p', { text: 'Signing in…' }));
        location.assign(url.href);
      });
    });
  }
  function finishSignIn(params) {
    var pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
    sessionStorage.removeItem(PENDING);
    if (!pending || pending.state !== params.get('state')) return Promise.reject(new Error('The sign-in answer does not match this tab: sign in again.'));
    return discover().then(function (oidc) {
      var form = new URLSearchParams();
      form.set('grant_type', 'authorization_code');
      form.set('code', params.get('code') || '');
      form.set('redirect_uri', redirectUri);
      form.set('client_id', clientId);
      form.set('code_verifier', pending.verifier);
      return fetch(oidc.token_endpoint, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString()
      });
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok || !answer.access_token) throw new Error('Sign-in failed: ' + (answer.error_description || answer.error || response.status));
        sessionStorage.setItem(TOKEN, answer.access_token);
        history.replaceState(null, '', pending.back || '/console');
      });
    });
  }
  function token() { return sessionStorage.getItem(TOKEN); }

  // ---- API ------------------------------------------------------------------------------------------------
  function api(path, options) {
    options = options || {};
    var headers = { Authorization: 'Bearer ' + token() };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, { method: options.method || 'GET', headers: headers, body: options.body }).then(function (response) {
      if (response.status === 401) { sessionStorage.removeItem(TOKEN); signIn(); throw new Error('Signing in again…'); }
      var type = response.headers.get('content-type') || '';
      var read = type.indexOf('json') >= 0 ? response.json() : response.text();
      return read.then(function (data) {
        if (!response.ok) {
          var problem = data && data.errors && data.errors[0] ? data.errors[0].description : (data && data.message) || String(data);
          var error = new Error(response.status + ': ' + problem + (data && data.trackingId ? ' (trackingId ' + data.trackingId + ')' : ''));
          error.status = response.status;
          throw error;
        }
        return { data: data, link: response.headers.get('link') };
      });
    });
  }
  function failure(error) { show(el('div', { className: 'alert', role: 'alert', text: error.message })); }

  // ---- Pages ----------------------------------------------------------------------------------------------
  function ordersPage() {
    var params = new URLSearchParams(location.search);
    var day = params.get('day') || new Date().toISOString().slice(0, 10);
    var status = params.get('status') || '';
    var enterprise = params.get('spEnterpriseId') || '';
    var form = el('form', { className: 'filters card', 'aria-label': 'Filter orders' },
      el('label', null, 'Day', el('input', { type: 'date', name: 'day', value: day })),
      el('label', null, 'Status', (function () {
        var select = el('select', { name: 'status' });
        ['', 'RUNNING', 'SUCCEEDED', 'FAILED'].forEach(function (value) {
          var option = el('option', { value: value, text: value || 'any' });
          if (value === status) option.selected = true;
          select.appendChild(option);
        });
        return select;
      })()),
      el('label', null, 'Enterprise', el('input', { name: 'spEnterpriseId', value: enterprise, placeholder: 'spEnterpriseId' })),
      el('button', { type: 'submit', className: 'primary', text: 'Show' }));
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var next = new URLSearchParams();
      new FormData(form).forEach(function (value, key) { if (value) next.set(key, String(value)); });
      navigate('/console?' + next.toString());
    });
    var rows = el('tbody');
    var table = el('div', { className: 'table' }, el('table', { className: 'stack' },
      el('thead', null, el('tr', null, el('th', { text: 'Order' }), el('th', { text: 'Status' }), el('th', { text: 'Started' }),
        el('th', { text: 'Last step' }), el('th', { text: 'Subscriber' }), el('th', { text: 'Enterprise' }), el('th', { text: 'Failure' }))),
      rows));
    var more = el('div', { className: 'more' });
    show(el('h1', { text: 'Orders of ' + day }), form, table, more);
    function load(url) {
      api(url).then(function (answer) {
        answer.data.items.forEach(function (order) {
          rows.appendChild(el('tr', null,
            el('td', { 'data-label': 'Order' }, link('/console/orders/' + encodeURIComponent(order.orderId), order.orderId)),
            el('td', { 'data-label': 'Status' }, el('span', null, badge(order.status))),
            el('td', { 'data-label': 'Started', className: 'num', text: fmtTime(order.startedAt) }),
            el('td', { 'data-label': 'Last step', text: order.lastStep || '' }),
            el('td', { 'data-label': 'Subscriber' }, order.subscriberId
              ? link('/console/subscribers/' + encodeURIComponent(order.subscriberId), order.subscriberStatus || 'open')
              : ''),
            el('td', { 'data-label': 'Enterprise', text: order.spEnterpriseId || '' }),
            el('td', { 'data-label': 'Failure', text: order.failure || '' })));
        });
        if (rows.childNodes.length === 0) rows.appendChild(el('tr', null, el('td', { colspan: '7', className: 'muted', text: 'No orders.' })));
        clear(more);
        var next = /<([^>]+)>;\s*rel="next"/.exec(answer.link || '');
        if (next) {
          var button = el('button', { type: 'button', text: 'More orders' });
          button.addEventListener('click', function () { var u = new URL(next[1]); load(u.pathname + u.search); });
          more.appendChild(button);
        }
      }).catch(failure);
    }
    var query = new URLSearchParams({ day: day, max: '50' });
    if (status) query.set('status', status);
    if (enterprise) query.set('spEnterpriseId', enterprise);
    load('/v1/orders?' + query.toString());
  }

  function describe(record) {
    if (record.action === 'statusChange') return 'status ' + (record.status && record.status.from ? record.status.from + ' → ' : '') + (record.status ? record.status.to : '');
    if (record.action === 'orderStep') return 'step ' + record.step + (record.status ? ' (' + record.status.to + ')' : '');
    return record.action + (record.status ? ' (' + record.status.to + ')' : '');
  }

  function timeline(items) {
    var ordered = items.slice().sort(function (a, b) { return a.at < b.at ? -1 : a.at > b.at ? 1 : 0; });
    var rows = el('tbody');
    var first = ordered.length ? Date.parse(ordered[0].at) : 0;
    ordered.forEach(function (record, i) {
      var previous = i > 0 ? Date.parse(ordered[i - 1].at) : Date.parse(record.at);
      var outcome = record.outcome || {};
      var codes = outcome.errorCodes && outcome.errorCodes.length ? ' errorCodes ' + outcome.errorCodes.join(', ') : '';
      rows.appendChild(el('tr', { 'data-step': record.step || record.action },
        el('td', { 'data-label': 'Time', className: 'num', text: fmtTime(record.at) }),
        el('td', { 'data-label': 'After', className: 'num', text: '+' + fmtDuration(Date.parse(record.at) - first) }),
        el('td', { 'data-label': 'Took', className: 'num', text: i === 0 ? '' : fmtDuration(Date.parse(record.at) - previous) }),
        el('td', { 'data-label': 'What', text: describe(record) }),
        el('td', { 'data-label': 'Outcome' }, el('span', null, badge(outcome.result || ''), (outcome.statusCode ? ' HTTP ' + outcome.statusCode : '') + codes)),
        el('td', { 'data-label': 'Detail', text: record.detail || '' })));
    });
    return el('div', { className: 'table' }, el('table', { className: 'stack', id: 'timeline' },
      el('thead', null, el('tr', null, el('th', { text: 'Time' }), el('th', { text: 'After' }), el('th', { text: 'Took' }),
        el('th', { text: 'What' }), el('th', { text: 'Outcome' }), el('th', { text: 'Detail' }))), rows));
  }

  function orderPage(orderId) {
    show(el('p', { text: 'Loading order ' + orderId + '…' }));
    api('/v1/orders/' + encodeURIComponent(orderId)).then(function (answer) {
      var order = answer.data;
      var items = (order.audit && order.audit.items) || [];
      var facts = el('dl', { className: 'facts' },
        el('dt', { text: 'Status' }), el('dd', null, badge(order.status)),
        el('dt', { text: 'Started' }), el('dd', { text: fmtTime(order.startDate) }),
        el('dt', { text: 'Ended' }), el('dd', { text: order.stopDate ? fmtTime(order.stopDate) + ' (took ' + fmtDuration(Date.parse(order.stopDate) - Date.parse(order.startDate)) + ')' : 'still running' }));
      var subscriberId = order.subscriber ? order.subscriber.id : (items.filter(function (r) { return r.subscriberId; })[0] || {}).subscriberId;
      if (subscriberId) facts.appendChild(el('dt', { text: 'Subscriber' })), facts.appendChild(el('dd', null, link('/console/subscribers/' + encodeURIComponent(subscriberId), subscriberId)));
      if ((order.attempts || []).length > 1) {
        facts.appendChild(el('dt', { text: 'Attempts' }));
        facts.appendChild(el('dd', { text: order.attempts.map(function (a) { return a.attempt + ': ' + a.status + (a.failure ? ' (' + a.failure.error + ')' : ''); }).join(', ') }));
      }
      var failureCard = null;
      if (order.failure) {
        var cause = order.failure.cause || {};
        var lines = el('dl', { className: 'facts' }, el('dt', { text: 'Error' }), el('dd', null, el('code', { text: order.failure.error })));
        if (cause.lastStatus) lines.appendChild(el('dt', { text: 'Last status' })), lines.appendChild(el('dd', { text: cause.lastStatus }));
        (cause.errors || []).forEach(function (e) {
          lines.appendChild(el('dt', { text: 'Webex error' }));
          lines.appendChild(el('dd', { text: (e.errorCode ? e.errorCode + ': ' : '') + (e.description || '') }));
        });
        if (cause.detail) lines.appendChild(el('dt', { text: 'Detail' })), lines.appendChild(el('dd', { text: cause.detail }));
        var retry = el('button', { type: 'button', className: 'primary', id: 'retry', text: 'Retry this order' });
        var note = el('span', { className: 'muted' });
        retry.addEventListener('click', function () {
          retry.disabled = true;
          note.textContent = ' Retrying…';
          api('/v1/orders/' + encodeURIComponent(orderId) + '/retry', { method: 'POST', body: '{}' })
            .then(function () { orderPage(orderId); })
            .catch(function (error) { retry.disabled = false; note.textContent = ' ' + error.message; });
        });
        // An invalid order would fail again: the API refuses its retry (409), so the page offers none.
        var retryLine = order.failure.error === 'InvalidOrder' ? el('p', { className: 'muted', text: 'Submit a corrected order under a new orderId.' }) : el('p', null, retry, note);
        failureCard = el('section', { className: 'card', 'aria-label': 'Failure' }, el('h2', { text: 'Why it failed' }), lines, retryLine);
      }
      show(el('h1', null, 'Order ', el('code', { text: order.orderId })),
        el('section', { className: 'card' }, facts), failureCard,
        el('h2', { text: 'Timeline (' + items.length + ' records)' }), timeline(items));
    }).catch(failure);
  }

  function subscriberPage(subscriberId) {
    show(el('p', { text: 'Loading subscriber…' }));
    var base = '/v1/broadworks/subscribers/' + encodeURIComponent(subscriberId);
    var current = api(base).then(function (answer) { return answer.data; }, function (error) { return { error: error.message }; });
    Promise.all([current, api(base + '/audit?max=100')]).then(function (answers) {
      var subscriber = answers[0];
      var facts = subscriber.error
        ? el('div', { className: 'alert', text: 'Webex: ' + subscriber.error })
        : el('dl', { className: 'facts' },
            el('dt', { text: 'Status (Webex)' }), el('dd', null, badge(subscriber.status)),
            el('dt', { text: 'Enterprise' }), el('dd', { text: subscriber.spEnterpriseId || '' }),
            el('dt', { text: 'Package' }), el('dd', { text: subscriber.package || '' }),
            el('dt', { text: 'Created' }), el('dd', { text: fmtTime(subscriber.created) }),
            el('dt', { text: 'Last status change' }), el('dd', { text: fmtTime(subscriber.lastStatusChange) }));
      show(el('h1', null, 'Subscriber ', el('code', { text: subscriberId })), el('section', { className: 'card' }, facts),
        el('h2', { text: 'Audit trail' }), timeline(answers[1].data.items));
    }).catch(failure);
  }

  function route() {
    var path = location.pathname;
    var match;
    if ((match = /^\/console\/orders\/([^/]+)$/.exec(path))) return orderPage(decodeURIComponent(match[1]));
    if ((match = /^\/console\/subscribers\/([^/]+)$/.exec(path))) return subscriberPage(decodeURIComponent(match[1]));
    return ordersPage();
  }
  function navigate(href) { history.pushState(null, '', href); route(); }
  window.addEventListener('popstate', route);

  var search = document.getElementById('search');
  search.addEventListener('submit', function (event) {
    event.preventDefault();
    var value = search.elements.namedItem('q').value.trim();
    if (!value) return;
    if (value.indexOf('@') > 0) {
      api('/v1/broadworks/subscribers?userId=' + encodeURIComponent(value) + '&max=1').then(function (answer) {
        var found = answer.data.items && answer.data.items[0];
        if (found) navigate('/console/subscribers/' + encodeURIComponent(found.id));
        else failure(new Error('No subscriber has this userId.'));
      }).catch(failure);
    } else if (/^[A-Za-z0-9_-]{1,80}$/.test(value)) {
      api('/v1/orders/' + encodeURIComponent(value)).then(function () { navigate('/console/orders/' + encodeURIComponent(value)); },
        function () { navigate('/console/subscribers/' + encodeURIComponent(value)); });
    } else {
      navigate('/console/subscribers/' + encodeURIComponent(value));
    }
  });

  var params = new URLSearchParams(location.search);
  var start = params.get('code') && params.get('state') ? finishSignIn(params) : Promise.resolve();
  start.then(function () {
    if (!token()) return signIn();
    who.textContent = 'Signed in';
    route();
  }).catch(failure);
})();
`;
