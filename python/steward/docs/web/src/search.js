/* The site's search: MiniSearch over the indexes `steward docs build` serialised
   (search/main.js, then search/columns.js, loaded as scripts: the site works from
   file://, where fetch is refused). Tokenised as steward.docs.search.tokenize does. */
(function () {
  'use strict';

  var MAIN_FIELDS = ['name', 'description', 'owner', 'tags'];
  var COLUMN_FIELDS = ['name', 'description'];
  var LIMIT = 20;
  var SHOWN = 8;

  function tokenize(text) {
    return String(text)
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
  }

  function fuzzy(term) {
    return term.length >= 3 ? 1 : false;
  }

  var SEARCH = { prefix: true, fuzzy: fuzzy, combineWith: 'AND' };

  function load(index, fields) {
    return MiniSearch.loadJS(index, {
      fields: fields,
      tokenize: tokenize,
      processTerm: function (term) { return term.toLowerCase(); },
      searchOptions: SEARCH
    });
  }

  function StewardSearch(mainIndex) {
    this.main = load(mainIndex, MAIN_FIELDS);
    this.columns = null;
  }

  StewardSearch.prototype.addColumns = function (columnIndex) {
    this.columns = load(columnIndex, COLUMN_FIELDS);
  };

  function passes(stored, filters) {
    if (filters.team && stored.tm !== filters.team) return false;
    if (filters.layer && stored.l !== filters.layer) return false;
    if (filters.access && stored.a !== filters.access) return false;
    return true;
  }

  StewardSearch.prototype.node = function (id) {
    return this.main.getStoredFields(id);
  };

  /* The answers to `query`: nodes, exposures and teams first, then the columns of that
     name with the nodes that have them; `filters` by team, layer and access. */
  StewardSearch.prototype.search = function (query, filters) {
    filters = filters || {};
    var self = this;
    var filtered = Boolean(filters.team || filters.layer || filters.access);
    var options = { boost: { name: 4, owner: 1.5, tags: 1.2 } };
    if (filtered) options.filter = function (result) { return passes(self.node(result.id), filters); };
    var results = this.main.search(query, options).slice(0, LIMIT).map(function (r) {
      var s = self.node(r.id);
      return { kind: s.t, name: s.n, page: s.p, team: s.tm, layer: s.l, access: s.a,
               description: s.d, score: r.score };
    });
    if (this.columns) {
      this.columns.search(query, { boost: { name: 3 } }).slice(0, LIMIT).forEach(function (r) {
        var stored = self.columns.getStoredFields(r.id);
        var shown = [];
        var total = 0;
        if (!filtered) {
          total = stored.m.length;
          shown = stored.m.slice(0, SHOWN).map(function (id) { return self.node(id); });
        } else {
          stored.m.forEach(function (id) {
            var s = self.node(id);
            if (!passes(s, filters)) return;
            total += 1;
            if (shown.length < SHOWN) shown.push(s);
          });
        }
        if (!total) return;
        results.push({ kind: 'column', name: stored.n, type: stored.y, description: stored.d,
                       score: r.score, total: total, nodes: shown.map(function (s) {
                         return { name: s.n, page: s.p, team: s.tm, kind: s.t };
                       }) });
      });
    }
    return results;
  };

  window.StewardSearch = StewardSearch;
  window.stewardTokenize = tokenize;
})();
