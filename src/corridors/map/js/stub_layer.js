(function (d, target) {
    d.x.forEach(function (x) {
        L.marker([x[0], x[1]], {keyboard: false, zIndexOffset: 500, icon: L.divIcon({
            className: "corridors-stub", iconSize: [18, 18], iconAnchor: [9, 9], html: d.h})})
            .bindTooltip(x[2])
            .addTo(target);
    });
})({{ this.data }}, {{ this._parent.get_name() }});
