(function (d, target) {
    d.x.forEach(function (x) {
        var q = d.q[x[3]];
        L.circleMarker([x[0], x[1]], d.s)
            .bindPopup(d.v[x[4]] + " " + q[0] + " · " + d.n[x[2]], {maxWidth: 300, maxHeight: 240,
                                                                    autoPanPadding: [24, 24]})
            .addTo(target);
        L.marker([x[0], x[1]], {interactive: false, keyboard: false, icon: L.divIcon({
            className: "corridors-label cx", iconSize: null, html: "<span>" + q[1] + "</span>"})})
            .addTo(target);
    });
})({{ this.data }}, {{ this._parent.get_name() }});
