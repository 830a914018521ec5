(function (map, g) {
{% include "unpack.js" %}
    map.createPane({{ this.panes[0]|tojson }}).style.zIndex = 390;
    map.createPane({{ this.panes[1]|tojson }}).style.zIndex = 410;
    map.createPane({{ this.panes[2]|tojson }}).style.zIndex = 420;
{% include "number.js" %}
    var sections = [], crossings = [], on = {}, onX = {}, lang = "zh";
    function section(i) {
        var c = unpack(g.p[i]);
        var hit = L.polyline(c, {pane: {{ this.panes[1]|tojson }}, weight: 14, opacity: 0});
        hit.on("click", function () {  // a click on a line does not reach the map's own click handlers
            window.corridorsLineClicks = (window.corridorsLineClicks || 0) + 1;
            if (window.corridorsReport) { window.corridorsReport(); }
        });
        return {c: c, look: null, tip: null, line: L.polyline(c, {interactive: false}), hit: hit};
    }
    // The keyboard reaches each project's line once (its first section shown), in the catalog's order; a
    // focused line shows a halo, and Enter opens its details as a click does.
    function keys(s, first) {
        var el = s.hit.getElement();
        if (!el) { return; }
        el.setAttribute("tabindex", first ? "0" : "-1");
        el.setAttribute("role", "button");
        el.setAttribute("aria-label", s.tip);
        if (s.keyed) { return; }
        s.keyed = true;
        L.DomEvent.on(el, "focus", function () {
            s.hit.setStyle({opacity: {{ this.focus_opacity }}, color: {{ this.focus|tojson }}}); });
        L.DomEvent.on(el, "blur", function () { s.hit.setStyle({opacity: 0}); });
        // a mouse click does not focus the line (its tooltip would open under the pointer and take the click)
        L.DomEvent.on(el, "mousedown", L.DomEvent.preventDefault);
        L.DomEvent.on(el, "keydown", function (e) {
            if (e.key !== "Enter" && e.key !== " ") { return; }
            L.DomEvent.preventDefault(e);
            s.hit.fire("click", {latlng: s.hit.getCenter(), originalEvent: e});
        });
    }
    function crossing(i) {
        var x = g.x[i], q = g.q[x[3]];
        var circle = L.circleMarker([x[0], x[1]], Object.assign({pane: {{ this.panes[2]|tojson }}}, g.s))
            .bindPopup(function () {
                var zh = lang === "zh";
                return g.v[lang][x[4]] + " " + q[zh ? 0 : 2] + " · " + g.n[x[2]][zh ? 0 : 1];
            }, {maxWidth: 300, maxHeight: 240, autoPanPadding: [24, 24]});
        var label = L.marker([x[0], x[1]], {interactive: false, keyboard: false, icon: L.divIcon({
            className: "corridors-label cx", iconSize: null,
            html: '<span data-zh="' + q[1] + '" data-en="' + q[3] + '">' + q[1] + "</span>"})});
        return [circle, label];
    }
    // The counted crossings' numbers and the 断头路 stay on the map between updates, as the lines do: an update
    // adds the new ones, removes those gone and renames the rest in place, so a language switch or a date that
    // keeps them re-creates none of them. Each item is [lat, lon, ..., tooltip]; what precedes the tooltip is
    // its identity (a repeat of the same identity gets its own key).
    var kept = {num: {}, stub: {}};
    function keep(kind, items, make) {
        var was = kept[kind], now = {};
        items.forEach(function (it) {
            var base = it.slice(0, -1).join(","), tip = it[it.length - 1], n = 0;
            while (now[base + "#" + n]) { n += 1; }
            var k = base + "#" + n, m = was[k];
            if (m) {
                delete was[k];
                if (m.getTooltip().getContent() !== tip) { m.setTooltipContent(tip); }
            } else {
                m = make(it).addTo(map);
            }
            now[k] = m;
        });
        Object.keys(was).forEach(function (k) { was[k].remove(); });
        kept[kind] = now;
    }
    function stub(x) {
        return L.marker([x[0], x[1]], {keyboard: false, zIndexOffset: 500, icon: L.divIcon({
            className: "corridors-stub", iconSize: [18, 18], iconAnchor: [9, 9], html: {{ this.stub_html }}})})
            .bindTooltip(x[2]);
    }
    window.corridorsLines = function (d, target) {
        var want = {}, wantX = {}, added = false, sel = [];
        var looks = d.s.map(function (st) { return JSON.stringify(st[0]); });  // once per style, not per line
        var firstOf = {};
        lang = d.lang;
        d.l.forEach(function (it) {
            var i = it[3], st = d.s[it[1]], s = sections[i] || (sections[i] = section(i));
            var tip = d.n[it[0]] + (it[2] ? " · " + it[2] : "") + st[1], look = looks[it[1]];
            want[i] = true;
            if (s.look !== look) { s.line.setStyle(st[0]); s.look = look; }
            if (s.tip === null) { s.hit.bindTooltip(tip, {sticky: true, direction: "auto"}); }
            else if (s.tip !== tip) { s.hit.setTooltipContent(tip); }
            s.tip = tip;
            if (!on[i]) { s.line.addTo(map); s.hit.addTo(map); on[i] = true; added = true; }
            keys(s, !firstOf[it[0]]);
            firstOf[it[0]] = true;
            if (it[4]) {
                L.polyline(s.c, {pane: {{ this.panes[0]|tojson }}, color: {{ this.highlight.color|tojson }},
                                 weight: st[0].weight + {{ this.highlight.extra_weight }},
                                 opacity: {{ this.highlight.opacity }}, interactive: false}).addTo(target);
                sel = sel.concat(s.c);
            }
        });
        Object.keys(on).forEach(function (i) {
            if (!want[i]) { sections[i].line.remove(); sections[i].hit.remove(); delete on[i]; }
        });
        if (added) {  // a line shown again is drawn in its place in the catalog's order, not on top
            d.l.forEach(function (it) { sections[it[3]].line.bringToFront(); sections[it[3]].hit.bringToFront(); });
        }
        d.x.forEach(function (i) {
            wantX[i] = true;
            if (!onX[i]) {
                var c = crossings[i] || (crossings[i] = crossing(i));
                c[0].addTo(map); c[1].addTo(map); onX[i] = true;
                if (c[0].getElement()) { c[0].getElement().setAttribute("tabindex", "-1"); }  // named in the details
            }
        });
        Object.keys(onX).forEach(function (i) {
            if (!wantX[i]) { crossings[i][0].remove(); crossings[i][1].remove(); delete onX[i]; }
        });
        keep("num", d.c || [], number);
        keep("stub", d.k || [], stub);
        window.corridorsSelection = sel.length ? L.latLngBounds(sel) : null;
        if (window.corridorsLanguage) { window.corridorsLanguage(lang); }
    };
})({{ this._parent.get_name() }}, {{ this.data }});
