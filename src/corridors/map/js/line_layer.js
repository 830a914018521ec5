(function (d, target) {
{% include "unpack.js" %}
    d.l.forEach(function (it) {
        var st = d.s[it[1]], c = unpack(it[3]);
        L.polyline(c, Object.assign({}, st[0], {interactive: false})).addTo(target);
        var hit = L.polyline(c, {color: st[0].color, weight: 14, opacity: 0});
        hit.bindTooltip(d.n[it[0]] + (it[2] ? " · " + it[2] : "") + st[1], {sticky: true, direction: "auto"});
        if (d.p) {
            hit.bindPopup(d.p[it[0]], {maxWidth: 300, maxHeight: 240, autoPanPadding: [24, 24]});
        }
        hit.addTo(target);
    });
})({{ this.data }}, {{ this._parent.get_name() }});
