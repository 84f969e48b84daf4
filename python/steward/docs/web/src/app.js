/* Every page: the search box (its libraries and index loaded on first use, so a page is
   interactive at once), the filters, and the keyboard. */
(function () {
  'use strict';

  var root = document.body.dataset.root || '';
  var input = document.getElementById('search-input');
  var box = document.getElementById('search-results');
  var loading = null;
  var engine = null;

  function script(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement('script');
      tag.src = root + src;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error('cannot load ' + src)); };
      document.head.appendChild(tag);
    });
  }

  /* MiniSearch and the main index, then the column index in the background. */
  function ready() {
    if (!loading) {
      loading = script('assets/minisearch.js')
        .then(function () { return script('assets/search.js'); })
        .then(function () { return script('search/main.js'); })
        .then(function () {
          engine = new window.StewardSearch(window.stewardIndex.main);
          window.stewardIndex.main = null;
          window.stewardEngine = engine;
          script('search/columns.js').then(function () {
            engine.addColumns(window.stewardIndex.columns);
            window.stewardIndex.columns = null;
            if (input.value) show();
          });
          return engine;
        });
    }
    return loading;
  }

  function filters() {
    var found = {};
    ['team', 'layer', 'access'].forEach(function (name) {
      var select = document.getElementById('search-' + name);
      if (select && select.value) found[name] = select.value;
    });
    return found;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(results) {
    box.textContent = '';
    if (!results.length) {
      box.appendChild(el('p', 'muted', 'nothing found'));
    }
    results.forEach(function (r) {
      var item;
      if (r.kind === 'column') {
        item = el('div', 'result result-column');
        item.appendChild(el('span', 'result-kind', 'column'));
        item.appendChild(el('b', '', r.name));
        if (r.type) item.appendChild(el('code', '', ' ' + r.type));
        item.appendChild(el('span', 'result-desc', r.description || ''));
        var where = el('span', 'result-nodes', 'in ');
        r.nodes.forEach(function (n, i) {
          var a = el('a', 'result-node', n.name);
          a.href = root + n.page;
          if (i) where.appendChild(document.createTextNode(', '));
          where.appendChild(a);
        });
        if (r.total > r.nodes.length) where.appendChild(document.createTextNode(' and ' + (r.total - r.nodes.length) + ' more'));
        item.appendChild(where);
      } else {
        item = el('a', 'result result-' + r.kind);
        item.href = root + r.page;
        item.appendChild(el('span', 'result-kind', r.kind));
        item.appendChild(el('b', 'result-name', r.name));
        item.appendChild(el('span', 'muted', ' ' + [r.team, r.layer, r.access].filter(Boolean).join(' · ')));
        item.appendChild(el('span', 'result-desc', r.description || ''));
      }
      box.appendChild(item);
    });
    box.hidden = false;
  }

  function show() {
    var query = input.value.trim();
    if (!query) { box.hidden = true; return; }
    ready().then(function (search) {
      if (input.value.trim() === query) render(search.search(query, filters()));
    });
  }

  /* For scripts and tests: the answers to a query, once the index is loaded. */
  window.stewardSearch = function (query, given) {
    return ready().then(function (search) { return search.search(query, given || {}); });
  };

  input.addEventListener('focus', function () { ready(); });
  input.addEventListener('input', show);
  ['team', 'layer', 'access'].forEach(function (name) {
    var select = document.getElementById('search-' + name);
    if (select) select.addEventListener('change', show);
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') {
      var first = box.querySelector('a');
      if (first) window.location.href = first.href;
    } else if (event.key === 'Escape') {
      box.hidden = true;
    }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === '/' && document.activeElement !== input) {
      event.preventDefault();
      input.focus();
    }
  });
  document.addEventListener('click', function (event) {
    if (!box.contains(event.target) && event.target !== input) box.hidden = true;
  });
  window.stewardReady = window.stewardReady || (document.getElementById('graph-data') ? null : performance.now());
})();
