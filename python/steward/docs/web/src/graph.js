/* A page's graphs, drawn with Cytoscape.js at the positions `steward docs build`
   computed (layout `preset`: nothing is laid out in the browser, so a view of hundreds
   of nodes opens at once). The neighbourhood shows one hop first; the buttons add hops.
   Selecting a column draws its upstream lineage, the columns used in filters and joins
   on the way marked apart. */
(function () {
  'use strict';

  var dataTag = document.getElementById('graph-data');
  if (!dataTag || !window.cytoscape) return;
  var data = JSON.parse(dataTag.textContent);
  var root = document.body.dataset.root || '';
  var PALETTE = ['#2f6db5', '#b5562f', '#2f9e6d', '#8a4fb5', '#b59a2f', '#2f9eb5', '#b52f6d', '#5f7f2f'];
  var colours = {};
  var USES = ['filter', 'join', 'group_by', 'window'];

  function colour(team) {
    if (!team) return '#888';
    if (!colours[team]) colours[team] = PALETTE[Object.keys(colours).length % PALETTE.length];
    return colours[team];
  }

  /* A graph as `steward docs build` writes it (steward/docs/encode.py): strings by
     index, a node's id its position. */
  function unpack(view) {
    var s = view.s;
    function str(i) { return i >= 0 ? s[i] : null; }
    return {
      nodes: view.n.map(function (n, i) {
        return { id: String(i), label: str(n[0]), kind: str(n[1]), x: n[2], y: n[3],
                 page: str(n[4]), team: str(n[5]), layer: str(n[6]), hop: n[7] };
      }),
      edges: view.e.map(function (e) { return { source: String(e[0]), target: String(e[1]), kind: str(e[2]) }; })
    };
  }

  function elements(view) {
    var items = view.nodes.map(function (n) {
      return {
        group: 'nodes',
        data: { id: n.id, label: n.label, page: n.page, team: n.team, kind: n.kind,
                hop: n.hop, colour: colour(n.team), w: 14 + 6.6 * n.label.length },
        position: { x: n.x, y: n.y },
        classes: [n.kind, n.page && n.page === document.body.dataset.page ? 'self' : ''].join(' ')
      };
    });
    view.edges.forEach(function (e, i) {
      items.push({ group: 'edges', data: { id: 'e' + i, source: e.source, target: e.target, kind: e.kind },
                   classes: USES.indexOf(e.kind) >= 0 ? 'use ' + e.kind : '' });
    });
    return items;
  }

  var STYLE = [
    { selector: 'node', style: {
      'shape': 'round-rectangle', 'width': 'data(w)', 'height': 22,
      'label': 'data(label)', 'font-size': 11, 'text-valign': 'center', 'color': '#fff',
      'background-color': 'data(colour)', 'min-zoomed-font-size': 3 } },
    { selector: 'node.self, node.root', style: { 'border-width': 3, 'border-color': '#111' } },
    { selector: 'node.source', style: { 'shape': 'barrel' } },
    { selector: 'node.exposure', style: { 'shape': 'hexagon' } },
    { selector: 'node.upstream', style: { 'background-color': '#d9822b' } },
    { selector: 'node.used', style: { 'background-color': '#7a5fb5', 'border-style': 'dashed',
                                      'border-width': 2, 'border-color': '#3d2a66' } },
    { selector: 'node.root', style: { 'background-color': '#c0392b' } },
    { selector: 'edge', style: { 'width': 1.5, 'line-color': '#9aa', 'curve-style': 'straight',
                                 'target-arrow-shape': 'triangle', 'target-arrow-color': '#9aa',
                                 'arrow-scale': 0.8 } },
    { selector: 'edge.use', style: { 'line-style': 'dashed', 'line-color': '#7a5fb5',
                                     'target-arrow-color': '#7a5fb5' } },
    { selector: '.hidden', style: { 'display': 'none' } }
  ];

  function draw(container, view) {
    var cy = window.cytoscape({
      container: container,
      elements: elements(view),
      layout: { name: 'preset' },
      style: STYLE,
      textureOnViewport: true,
      hideEdgesOnViewport: view.nodes.length > 150,
      pixelRatio: 1,
      minZoom: 0.05,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: true
    });
    cy.on('tap', 'node', function (event) {
      var page = event.target.data('page');
      if (page && page !== document.body.dataset.page) window.location.href = root + page;
    });
    return cy;
  }

  var graphs = {};
  window.stewardGraphs = graphs;
  var main = document.getElementById('graph');
  var hops = 1;

  function showHops() {
    var cy = graphs.main;
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var hop = Math.abs(n.data('hop') || 0);
        n.toggleClass('hidden', hop > hops);
      });
    });
    cy.fit(cy.nodes(':visible'), 24);
    main.dataset.hops = String(hops);
  }

  var mainView = unpack(data.graph);
  if (main && mainView.nodes.length) {
    graphs.main = draw(main, mainView);
    showHops();
    var expand = document.getElementById('graph-expand');
    var all = document.getElementById('graph-all');
    var one = document.getElementById('graph-one');
    if (expand) expand.addEventListener('click', function () { hops += 1; showHops(); });
    if (all) all.addEventListener('click', function () { hops = Infinity; showHops(); });
    if (one) one.addEventListener('click', function () { hops = 1; showHops(); });
  }

  function item(text, cls) {
    var li = document.createElement('li');
    li.className = cls;
    li.textContent = text;
    return li;
  }

  /* One graph holds every column's lineage (laid out once at build time, in a script
     of its own loaded on the first selection); selecting a column shows its items and
     marks their roles. */
  var columnData = null;
  var columnLoading = null;

  function loadColumns() {
    if (!columnLoading) {
      var container = document.getElementById('column-graph');
      var key = document.body.dataset.page;
      columnLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement('script');
        tag.src = container.dataset.src;
        tag.onload = function () {
          var found = window.stewardColumnData && window.stewardColumnData[key];
          if (!found) { reject(new Error('no column data in ' + tag.src)); return; }
          window.stewardColumnData[key] = null;
          var view = unpack(found);
          columnData = { view: view, columns: found.c };
          resolve(columnData);
        };
        tag.onerror = function () { reject(new Error('cannot load ' + tag.src)); };
        document.head.appendChild(tag);
      });
    }
    return columnLoading;
  }

  function selectColumn(name, button) {
    return loadColumns().then(function (loaded) { showColumn(loaded, name, button); });
  }

  function showColumn(loaded, name, button) {
    var trace = loaded.columns[name];
    if (!trace) return;
    var roots = trace[0], upstream = trace[1], usedItems = trace[2];
    var view = loaded.view;
    document.querySelectorAll('.column-select.selected').forEach(function (b) { b.classList.remove('selected'); });
    if (button) button.classList.add('selected');
    var container = document.getElementById('column-graph');
    var list = document.getElementById('column-lineage');
    var hint = document.getElementById('column-hint');
    if (hint) hint.hidden = true;
    container.hidden = false;
    if (!graphs.column) graphs.column = draw(container, view);
    var cy = graphs.column;
    cy.batch(function () {
      cy.elements().removeClass('root upstream used').addClass('hidden');
      var shown = cy.collection();
      [[roots, 'root'], [upstream, 'upstream'], [usedItems, 'used']].forEach(function (group) {
        group[0].forEach(function (i) {
          var node = cy.getElementById(String(i));
          node.removeClass('hidden').addClass(group[1]);
          shown = shown.union(node);
        });
      });
      shown.edgesWith(shown).removeClass('hidden');
    });
    cy.resize();
    cy.fit(cy.nodes(':visible'), 24);
    container.dataset.column = name;
    list.textContent = '';
    function label(i) { return view.nodes[i].label; }
    var title = document.createElement('h3');
    title.textContent = name + ' is computed from ' + upstream.length + ' column(s)';
    list.appendChild(title);
    var up = document.createElement('ul');
    up.className = 'upstream-columns';
    upstream.forEach(function (i) { up.appendChild(item(label(i), 'upstream')); });
    if (!upstream.length) up.appendChild(item('no upstream column (a constant, or a source)', 'muted'));
    list.appendChild(up);
    if (usedItems.length) {
      var usedTitle = document.createElement('h3');
      usedTitle.textContent = 'Used in filters, joins, group by and windows on the way';
      list.appendChild(usedTitle);
      var used = document.createElement('ul');
      used.className = 'used-columns';
      usedItems.forEach(function (i) { used.appendChild(item(label(i), 'used')); });
      list.appendChild(used);
    }
    if (trace[3]) list.appendChild(item('(the nearest columns are shown)', 'muted'));
    document.getElementById('column-lineage-section').scrollIntoView({ block: 'nearest' });
  }

  document.querySelectorAll('.column-select').forEach(function (button) {
    button.addEventListener('click', function () { selectColumn(button.dataset.column, button); });
  });
  window.stewardSelectColumn = selectColumn;
  window.stewardReady = performance.now();
})();
