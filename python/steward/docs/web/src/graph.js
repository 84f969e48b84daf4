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

  function elements(view) {
    var items = view.nodes.map(function (n) {
      return {
        group: 'nodes',
        data: { id: n.id, label: n.label, page: n.page, team: n.team, kind: n.kind,
                hop: n.hop, role: n.role, colour: colour(n.team), w: 14 + 6.6 * n.label.length },
        position: { x: n.x, y: n.y },
        classes: [n.kind, n.role, n.page && n.page === document.body.dataset.page && !n.role ? 'self' : ''].join(' ')
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

  if (main && data.graph.nodes.length) {
    graphs.main = draw(main, data.graph);
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

  /* One graph holds every column's lineage (laid out once at build time); selecting a
     column shows its items and marks their roles. */
  function selectColumn(name, button) {
    var trace = data.columns[name];
    if (!trace) return;
    document.querySelectorAll('.column-select.selected').forEach(function (b) { b.classList.remove('selected'); });
    if (button) button.classList.add('selected');
    var container = document.getElementById('column-graph');
    var list = document.getElementById('column-lineage');
    var hint = document.getElementById('column-hint');
    if (hint) hint.hidden = true;
    container.hidden = false;
    if (!graphs.column) graphs.column = draw(container, data.columnGraph);
    var cy = graphs.column;
    cy.batch(function () {
      cy.elements().removeClass('root upstream used').addClass('hidden');
      var shown = cy.collection();
      Object.keys(trace.roles).forEach(function (id) {
        var node = cy.getElementById(id);
        node.removeClass('hidden').addClass(trace.roles[id]);
        shown = shown.union(node);
      });
      shown.edgesWith(shown).removeClass('hidden');
    });
    cy.resize();
    cy.fit(cy.nodes(':visible'), 24);
    container.dataset.column = name;
    list.textContent = '';
    var title = document.createElement('h3');
    title.textContent = name + ' is computed from ' + trace.upstream.length + ' column(s)';
    list.appendChild(title);
    var up = document.createElement('ul');
    up.className = 'upstream-columns';
    trace.upstream.forEach(function (label) { up.appendChild(item(label, 'upstream')); });
    if (!trace.upstream.length) up.appendChild(item('no upstream column (a constant, or a source)', 'muted'));
    list.appendChild(up);
    if (trace.used.length) {
      var usedTitle = document.createElement('h3');
      usedTitle.textContent = 'Used in filters, joins, group by and windows on the way';
      list.appendChild(usedTitle);
      var used = document.createElement('ul');
      used.className = 'used-columns';
      trace.used.forEach(function (label) { used.appendChild(item(label, 'used')); });
      list.appendChild(used);
    }
    if (trace.truncated) list.appendChild(item('(the nearest columns are shown)', 'muted'));
    document.getElementById('column-lineage-section').scrollIntoView({ block: 'nearest' });
  }

  document.querySelectorAll('.column-select').forEach(function (button) {
    button.addEventListener('click', function () { selectColumn(button.dataset.column, button); });
  });
  window.stewardSelectColumn = selectColumn;
  window.stewardReady = performance.now();
})();
